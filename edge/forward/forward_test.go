package forward

import (
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestUpstreamHopHeaders checks what Serve forwards: hop-by-hop headers are
// removed both ways (response names in any case, as the upstream sent them),
// other headers pass, and X-Forwarded-For names the client.
func TestUpstreamHopHeaders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 1)
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		var b strings.Builder
		for k, v := range ctx.Request.Header.All() {
			b.WriteString(string(k) + ": " + string(v) + "\n")
		}
		seen <- b.String()
		if string(ctx.Path()) == "/hop" {
			ctx.Response.Header.Set("keep-alive", "timeout=5")
			ctx.Response.Header.Set("Upgrade", "h2c")
			ctx.Response.Header.Set("Connection", "X-Internal")
			ctx.Response.Header.Set("X-Internal", "upstream only")
		}
		ctx.Response.Header.Set("X-Kept", "yes")
		ctx.SetBodyString("ok")
	}}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	u := NewUpstream(&url.URL{Scheme: "http", Host: ln.Addr().String()})

	tests := []struct {
		name    string
		path    string
		headers [][2]string
		want    []string // request headers the upstream must see
		notWant []string // request headers it must not see
	}{
		{
			name: "no hop headers", path: "/plain",
			headers: [][2]string{{"Accept", "*/*"}},
			want:    []string{"Accept: */*", "X-Forwarded-For: 192.0.2.7"},
		},
		{
			name: "hop headers", path: "/hop",
			headers: [][2]string{{"Accept", "*/*"}, {"Keep-Alive", "300"}, {"Te", "trailers"}, {"Proxy-Authorization", "Basic x"}, {"X-Forwarded-For", "198.51.100.1"}},
			want:    []string{"Accept: */*", "X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 192.0.2.7"},
			notWant: []string{"Keep-Alive", "Te:", "Proxy-Authorization"},
		},
		{
			// RFC 9110 §7.6.1: the fields Connection names are hop-by-hop
			// too, except what the edge itself vouches for and the framing.
			name: "fields named in Connection", path: "/plain",
			headers: [][2]string{{"Connection", "x-secret, keep-alive,X-Auth-Subject , Host"}, {"X-Secret", "1"}, {"X-Auth-Subject", "alice"}, {"Accept", "*/*"}},
			want:    []string{"X-Auth-Subject: alice", "Accept: */*", "Host: proxy.test"},
			notWant: []string{"X-Secret", "Connection"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req fasthttp.Request
			req.SetRequestURI("http://proxy.test" + tt.path)
			for _, h := range tt.headers {
				req.Header.Add(h[0], h[1])
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 4242}, nil)
			u.Serve(&ctx)
			got := <-seen
			for _, w := range tt.want {
				if !strings.Contains(got, w+"\n") {
					t.Errorf("upstream saw\n%swant %q", got, w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(got, nw) {
					t.Errorf("upstream saw\n%sdo not want %q", got, nw)
				}
			}
			resp := &ctx.Response
			if resp.StatusCode() != 200 || string(resp.Header.Peek("X-Kept")) != "yes" {
				t.Fatalf("response %d, X-Kept %q", resp.StatusCode(), resp.Header.Peek("X-Kept"))
			}
			if hasHopHeader(resp.Header.All()) || resp.Header.Peek("X-Internal") != nil {
				t.Errorf("hop-by-hop header forwarded to the client:\n%s", resp.Header.String())
			}
		})
	}
}
