package edge

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// forgedAuthSpellings are request header names that are not X-Auth-* to
// the middleware's eyes but that CGI, WSGI, PHP, Rack and nginx
// (underscores_in_headers) map to the same variable as X-Auth-Subject and
// friends: HTTP_X_AUTH_SUBJECT. They must be stripped like X-Auth-*.
var forgedAuthSpellings = []string{"X_Auth_Subject", "x_auth_scope", "X-Auth_Client-Id", "X_Auth-Role"}

// authLike reports the header names in names that normalise to x-auth-*
// ('_' read as '-', any case).
func authLike(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(strings.ReplaceAll(n, "_", "-")), "x-auth-") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// TestHandlerStripsUnderscoreSpellings: net/http middleware.
func TestHandlerStripsUnderscoreSpellings(t *testing.T) {
	key := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	seen := make(chan []string, 1)
	srv := httptest.NewServer(h.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var names []string
		for k := range r.Header {
			names = append(names, k)
		}
		seen <- names
	})))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/things", nil)
	req.Header["Authorization"] = []string{"Bearer " + string(key.sign(t, claims("alice", "read")))}
	for _, name := range forgedAuthSpellings {
		req.Header[name] = []string{"forged"} // as sent, not canonicalised
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := authLike(<-seen)
	want := []string{HeaderClientID, HeaderScope, HeaderSubject}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("upstream saw X-Auth-like headers %q, want only %q", got, want)
	}
}

// fastAuthServer runs h.FastHTTP in front of a handler that reports every
// X-Auth-like request field it can Peek, trailers included.
func fastAuthServer(t *testing.T, h *Host) (addr string, seen chan string) {
	t.Helper()
	seen = make(chan string, 1)
	upstream := func(ctx *fasthttp.RequestCtx) {
		var b []string
		names := map[string]bool{}
		for k := range ctx.Request.Header.All() {
			names[string(k)] = true
		}
		for k := range ctx.Request.Header.Trailers() {
			names[string(k)] = true
		}
		for _, n := range append(forgedAuthSpellings, "X-Auth-Role", HeaderSubject) {
			names[n] = true
		}
		for n := range names {
			for _, v := range ctx.Request.Header.PeekAll(n) {
				if len(authLike([]string{n})) == 1 {
					b = append(b, n+": "+string(v))
				}
			}
		}
		sort.Strings(b)
		seen <- strings.Join(b, "\n")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: h.FastHTTP(upstream)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return ln.Addr().String(), seen
}

// rawExchange writes req on a new connection to addr and returns the status
// line of the answer.
func rawExchange(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// TestFastHTTPStripsUnderscoreSpellings: fasthttp middleware, header
// section.
func TestFastHTTPStripsUnderscoreSpellings(t *testing.T) {
	key := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	addr, seen := fastAuthServer(t, h)
	req := "GET /things HTTP/1.1\r\nHost: api.test\r\nAuthorization: Bearer " + string(key.sign(t, claims("alice", "read"))) + "\r\n"
	for _, name := range forgedAuthSpellings {
		req += name + ": forged\r\n"
	}
	req += "Connection: close\r\n\r\n"
	if status := rawExchange(t, addr, req); status != "HTTP/1.1 200 OK" {
		t.Fatalf("status %q", status)
	}
	if got := <-seen; strings.Contains(got, "forged") {
		t.Errorf("forged X-Auth-like fields reached the handler:\n%s", got)
	}
}

// TestFastHTTPStripsAuthTrailers: X-Auth-* fields sent in the trailer
// of a chunked request reach the handler through Peek (fasthttp looks up
// trailer fields too) unless the middleware strips them.
func TestFastHTTPStripsAuthTrailers(t *testing.T) {
	key := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	addr, seen := fastAuthServer(t, h)
	for _, announce := range []string{"", "Trailer: X-Auth-Role, X-Auth-Subject\r\n"} {
		req := "POST /things HTTP/1.1\r\nHost: api.test\r\nAuthorization: Bearer " + string(key.sign(t, claims("alice", "read"))) + "\r\n" +
			announce + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
			"5\r\nhello\r\n0\r\nX-Auth-Role: forged\r\nX-Auth-Subject: forged\r\nX_Auth_Scope: forged\r\n\r\n"
		if status := rawExchange(t, addr, req); status != "HTTP/1.1 200 OK" {
			t.Fatalf("announce %q: status %q", announce, status)
		}
		got := <-seen
		if strings.Contains(got, "forged") {
			t.Errorf("announce %q: forged trailer fields reached the handler:\n%s", announce, got)
		}
		if !strings.Contains(got, HeaderSubject+": alice") {
			t.Errorf("announce %q: the edge's own X-Auth-Subject is missing:\n%s", announce, got)
		}
	}
}

// TestStripAllocatesNothing: the X-Auth-* stripping added to the
// fasthttp middleware's cached path (underscore spellings, trailer names)
// allocates nothing for an ordinary request.
func TestStripAllocatesNothing(t *testing.T) {
	var hdr fasthttp.RequestHeader
	hdr.SetMethod("GET")
	hdr.SetRequestURI("/things")
	hdr.SetHost("api.test")
	hdr.Set("Authorization", "Bearer x.y.z")
	hdr.Set("Accept", "*/*")
	hdr.Set("X-Request-Id", "abc")
	n := testing.AllocsPerRun(1000, func() { stripAuthHeadersFast(&hdr) })
	if n != 0 {
		t.Errorf("stripAuthHeadersFast allocates %v per call, want 0", n)
	}
}
