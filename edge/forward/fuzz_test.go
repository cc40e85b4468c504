package forward

import (
	"bytes"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzStripHop feeds stripHop and isUpgrade arbitrary Connection and
// Upgrade values: neither panics, no hop-by-hop field survives, and what
// the edge vouches for (X-Auth-*) and Host always do.
func FuzzStripHop(f *testing.F) {
	for _, seed := range [][2]string{
		{"keep-alive", ""}, {"Upgrade", "websocket"}, {"x-secret, X-Auth-Subject ,Host", ""},
		{",,, ,upgrade,", "h2c"}, {"close, X-Secret", "echo"}, {"X-AUTH-SCOPE", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, connection, upgrade string) {
		var h fasthttp.RequestHeader
		h.SetHost("api.test")
		h.Set("Connection", connection)
		h.Set("Upgrade", upgrade)
		h.Set("X-Secret", "1")
		h.Set("X-Auth-Subject", "alice")
		_ = isUpgrade(&h)
		stripHop(&h)
		if hasHopHeader(h.All()) {
			t.Fatalf("hop-by-hop field left:\n%s", h.Header())
		}
		if string(h.Peek("X-Auth-Subject")) != "alice" || string(h.Host()) != "api.test" {
			t.Fatalf("X-Auth-Subject or Host removed:\n%s", h.Header())
		}
		for _, name := range bytes.Split([]byte(connection), []byte{','}) {
			if bytes.EqualFold(bytes.TrimSpace(name), []byte("X-Secret")) && h.Peek("X-Secret") != nil {
				t.Fatalf("X-Secret named in Connection but forwarded:\n%s", h.Header())
			}
		}
	})
}
