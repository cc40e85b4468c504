package issuer

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestOversizeBodyOverTCP sends bodies over the limit on real TCP
// connections, as curl or net/http would: every client reads the JSON 413.
// Closing a socket with the rest of the body still unread makes the kernel
// answer with a reset, which can reach the client before it reads the
// response; the server must drain before it closes.
func TestOversizeBodyOverTCP(t *testing.T) {
	h := newHarness(t, Config{MaxBodyBytes: 1024})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = h.srv.Serve(ln) }() // the harness's Shutdown closes ln
	url := "http://" + ln.Addr().String() + "/o/token/"
	for _, size := range []int{4 << 10, 100 << 10, 512 << 10} {
		for range 10 {
			req, _ := http.NewRequest("POST", url, strings.NewReader("grant_type=client_credentials&pad="+strings.Repeat("a", size)))
			req.Header.Set("Content-Type", formContentType)
			req.Header.Set("Authorization", basic(svcID, svcSecret))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%d-byte body: %v", size, err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				t.Fatalf("%d-byte body: reading the response: %v", size, err)
			}
			var e struct{ Error string }
			if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(body, &e) != nil || e.Error != CodeInvalidRequest {
				t.Fatalf("%d-byte body: %d %s, want 413 invalid_request", size, resp.StatusCode, body)
			}
		}
	}
}
