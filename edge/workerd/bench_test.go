package workerd

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// client sends keep-alive requests to a running worker.
type client struct {
	http *http.Client
	url  string
}

func (w *running) client() *client {
	return &client{http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}, url: "http://" + w.addr}
}

// get sends GET /api/items with tok at conformance.Now and returns the status.
func (c *client) get(tb testing.TB, tok string) int {
	req, err := http.NewRequest("GET", c.url+"/api/items", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set(nowHeader, strconv.FormatInt(conformance.Now, 10))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// BenchmarkFirstRequest measures a cold worker: workerd is started and
// given a second to load, then the timer runs over three requests. The first
// carries no token, so its time is the instance's creation (instantiate,
// _initialize, tg_configure) plus one round trip; the second is the first
// signature verification (cold guest code); the third is the cached path.
// The policy has inline keys: no fetch is involved.
func BenchmarkFirstRequest(b *testing.B) {
	up := newUpstream(b)
	tok := token(b, "ES256", "es256", nil)
	var d [3]time.Duration
	for range b.N {
		b.StopTimer()
		w := startWorker(b, Options{Policy: inlinePolicy(b), Upstream: up.URL})
		c := w.client()
		time.Sleep(time.Second)
		b.StartTimer()
		for i, want := range []struct {
			tok    string
			status int
		}{{"", 401}, {tok, 200}, {tok, 200}} {
			t0 := time.Now()
			if s := c.get(b, want.tok); s != want.status {
				b.Fatalf("request %d: status %d, want %d", i, s, want.status)
			}
			d[i] += time.Since(t0)
		}
		b.StopTimer()
		w.stop()
		b.StartTimer()
	}
	for i, unit := range []string{"instance-ms", "first-verify-ms", "cached-ms"} {
		b.ReportMetric(float64(d[i].Microseconds())/float64(b.N)/1000, unit)
	}
}

// BenchmarkRequest measures steady-state requests through workerd to the
// upstream: "cached" repeats one token (the guest's verified-token cache
// answers); ES256, RS256, EdDSA and PS256 send a new token each time, one
// signature verification per request (native through verify_signature,
// except PS256, which the guest verifies); "no-token" is a 401 answered
// without signature work or a subrequest; "upstream" is the origin alone.
func BenchmarkRequest(b *testing.B) {
	up := newUpstream(b)
	w := startWorker(b, Options{Policy: inlinePolicy(b), Upstream: up.URL})
	c := w.client()
	tok := token(b, "ES256", "es256", nil)
	if s := c.get(b, tok); s != 200 {
		b.Fatalf("status %d", s)
	}
	b.Run("cached", func(b *testing.B) {
		for range b.N {
			if s := c.get(b, tok); s != 200 {
				b.Fatalf("status %d", s)
			}
		}
	})
	for _, alg := range []struct{ name, kid string }{{"ES256", "es256"}, {"RS256", "rs256"}, {"EdDSA", "eddsa"}, {"PS256", "ps256"}} {
		b.Run(alg.name, func(b *testing.B) {
			toks := make([]string, b.N)
			for i := range toks {
				toks[i] = token(b, alg.name, alg.kid, func(m map[string]any) { m["jti"] = fmt.Sprint("bench-", i, "-", time.Now().UnixNano()) })
			}
			b.ResetTimer()
			for i := range b.N {
				if s := c.get(b, toks[i]); s != 200 {
					b.Fatalf("status %d", s)
				}
			}
		})
	}
	b.Run("no-token", func(b *testing.B) {
		for range b.N {
			if s := c.get(b, ""); s != 401 {
				b.Fatalf("status %d", s)
			}
		}
	})
	b.Run("upstream", func(b *testing.B) {
		direct := &client{http: c.http, url: up.URL}
		for range b.N {
			if s := direct.get(b, tok); s != 200 {
				b.Fatalf("status %d", s)
			}
		}
	})
}
