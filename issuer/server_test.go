package issuer

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

func TestNotFound(t *testing.T) {
	h := newHarness(t, Config{})
	for _, p := range []string{"/", "/o/", "/o/token", "/o/authorize", "/x/token/", "/o/.well-known/jwks"} {
		t.Run(p, func(t *testing.T) {
			wantError(t, h.do(t, request{method: "GET", path: p}), 404, CodeNotFound)
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	h := newHarness(t, Config{})
	h.srv.handle("/o/boom/", func(*fasthttp.RequestCtx) { panic("kaboom") }, fasthttp.MethodGet)
	r := h.do(t, request{method: "GET", path: "/o/boom/"})
	wantError(t, r, 500, CodeServerError)
	if !strings.Contains(h.log.String(), "kaboom") {
		t.Errorf("panic not logged: %q", h.log.String())
	}
	// The server is still up.
	if r := h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}); r.status != 200 {
		t.Errorf("after panic: status %d", r.status)
	}
}

// TestMalformedHTTP sends requests fasthttp cannot parse: they get the
// same JSON error shape, never a bare text body.
func TestMalformedHTTP(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		name   string
		raw    string
		status int
	}{
		{"bad content-length", "POST /o/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
		{"header too large", "GET /o/.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2*readBufferSize) + "\r\n\r\n", 431},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := h.ln.Dial()
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = c.Close() }()
			go func() { _, _ = c.Write([]byte(tt.raw)) }()
			var resp fasthttp.Response
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if err := resp.Read(bufio.NewReader(c)); err != nil {
				t.Fatal(err)
			}
			r := response{status: resp.StatusCode(), header: map[string]string{}, body: resp.Body()}
			for k, v := range resp.Header.All() {
				r.header[string(k)] = string(v)
			}
			wantError(t, r, tt.status, CodeInvalidRequest)
		})
	}
}

func TestNewConfig(t *testing.T) {
	clients, signer := &fakeClients{m: testClients()}, newFakeSigner(t)
	bad := []struct {
		name string
		cfg  Config
		want error
	}{
		{"issuer with query", Config{Issuer: "https://a.example/o?x=1"}, ErrConfig},
		{"issuer with fragment", Config{Issuer: "https://a.example/o#f"}, ErrConfig},
		{"issuer trailing slash", Config{Issuer: "https://a.example/o/"}, ErrConfig},
		{"issuer scheme", Config{Issuer: "ftp://a.example/o"}, ErrConfig},
		{"issuer no host", Config{Issuer: "https:///o"}, ErrConfig},
		{"issuer userinfo", Config{Issuer: "https://u:p@a.example/o"}, ErrConfig},
		{"issuer escaped path", Config{Issuer: "https://a.example/%6F"}, ErrConfig},
		{"empty audience", Config{Audience: []string{""}}, ErrConfig},
		{"negative ttl", Config{AccessTokenTTL: -time.Second}, ErrConfig},
		{"ttl above cap", Config{AccessTokenTTL: 2 * time.Hour, MaxAccessTokenTTL: time.Hour}, ErrConfig},
		{"sub-second ttl", Config{AccessTokenTTL: time.Millisecond}, ErrConfig},
		{"negative max age", Config{JWKSMaxAge: -1}, ErrConfig},
		{"negative rate", Config{ClientRateLimit: RateLimit{Rate: -1}}, ErrConfig},
		{"negative burst", Config{AddrRateLimit: RateLimit{Burst: -1}}, ErrConfig},
		{"negative body", Config{MaxBodyBytes: -1}, ErrConfig},
		{"alg signer lacks", Config{SigningAlg: "EdDSA"}, ErrUnsupportedAlg},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, newFakeStore(t, clients), signer); !errors.Is(err, tt.want) {
				t.Errorf("New: %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := New(Config{}, nil, signer); !errors.Is(err, ErrConfig) {
		t.Errorf("nil Clients: %v", err)
	}

	defaults := []struct {
		name, addr, issuer string
	}{
		{"zero", "", "http://127.0.0.1:9000/o"},
		{"addr", "10.0.0.1:8080", "http://10.0.0.1:8080/o"},
		{"wildcard addr", ":8080", "http://localhost:8080/o"},
		{"unspecified addr", "0.0.0.0:8080", "http://localhost:8080/o"},
		{"ipv6 addr", "[::1]:8080", "http://[::1]:8080/o"},
	}
	for _, tt := range defaults {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Addr: tt.addr}, newFakeStore(t, clients), signer)
			if err != nil {
				t.Fatal(err)
			}
			if s.Issuer() != tt.issuer {
				t.Errorf("Issuer() = %q, want %q", s.Issuer(), tt.issuer)
			}
		})
	}
	s, err := New(Config{}, newFakeStore(t, clients), signer)
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if c.AccessTokenTTL != time.Hour || c.MaxAccessTokenTTL != 24*time.Hour || c.JWKSMaxAge != 5*time.Minute ||
		c.MaxBodyBytes != 64<<10 || c.SigningAlg != "ES256" || c.ClientRateLimit != DefaultClientRateLimit ||
		c.AddrRateLimit != DefaultAddrRateLimit || len(c.Audience) != 1 || c.Audience[0] != c.Issuer || s.byAddr == nil {
		t.Errorf("defaults: %+v", c)
	}
}

func TestServeAfterShutdown(t *testing.T) {
	s, err := New(Config{}, newFakeStore(t, &fakeClients{m: testClients()}), newFakeSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(fasthttputil.NewInmemoryListener()); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v", err)
	}
}

func TestClientCache(t *testing.T) {
	h := newHarness(t, Config{ClientCacheTTL: time.Minute})
	ok := request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}
	for range 5 {
		if r := h.do(t, ok); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	}
	if n := h.clients.calls.Load(); n != 1 {
		t.Errorf("%d store lookups for 5 requests, want 1", n)
	}

	// A changed client is seen after InvalidateClient...
	c := *testClients()[svcID]
	c.GrantTypes = []string{store.GrantAuthorizationCode}
	h.clients.set(&c)
	if r := h.do(t, ok); r.status != 200 {
		t.Errorf("cached client: status %d", r.status)
	}
	h.srv.InvalidateClient(svcID)
	wantError(t, h.do(t, ok), 400, CodeUnauthorizedClient)

	// ...or once the entry is older than the TTL.
	h.clients.set(testClients()[svcID])
	h.clock.Advance(time.Minute)
	if r := h.do(t, ok); r.status != 200 {
		t.Errorf("after TTL: status %d", r.status)
	}

	// Unknown clients are not cached.
	before := h.clients.calls.Load()
	for range 3 {
		wantError(t, h.do(t, request{auth: basic("ghost", "x"), body: "grant_type=client_credentials"}), 401, CodeInvalidClient)
	}
	if n := h.clients.calls.Load() - before; n != 3 {
		t.Errorf("%d lookups for 3 unknown-client requests, want 3", n)
	}

	// InvalidateClient("") drops everything.
	h.srv.InvalidateClient("")
	before = h.clients.calls.Load()
	h.do(t, ok)
	if n := h.clients.calls.Load() - before; n != 1 {
		t.Errorf("after InvalidateClient(\"\"): %d lookups, want 1", n)
	}
}

func TestClientCacheDisabled(t *testing.T) {
	h := newHarness(t, Config{ClientCacheTTL: -1})
	for range 3 {
		h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"})
	}
	if n := h.clients.calls.Load(); n != 3 {
		t.Errorf("%d lookups, want 3", n)
	}
}

func TestClientCacheBounded(t *testing.T) {
	src := &fakeClients{m: map[string]*store.Client{}}
	for i := range maxCachedClients + 10 {
		id := "c" + strconv.Itoa(i)
		src.m[id] = &store.Client{ID: id}
	}
	cc := &clientCache{src: src, ttl: time.Hour, now: time.Now}
	for id := range src.m {
		if _, err := cc.Client(id); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	cc.m.Range(func(any, any) bool { n++; return true })
	if n > maxCachedClients {
		t.Errorf("%d cached, bound %d", n, maxCachedClients)
	}
}
