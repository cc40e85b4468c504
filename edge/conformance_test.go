package edge

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// docTransport answers the policy's jwks_url and revocations_url with the
// case's documents (404 for a nil one), as the issuer would.
type docTransport struct {
	jwksURL, revocationsURL string
	keys, revocations       []byte
}

func (d *docTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	switch r.URL.String() {
	case d.jwksURL:
		body = d.keys
	case d.revocationsURL:
		body = d.revocations
	}
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Request: r}
	if body == nil {
		resp.StatusCode = 404
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// conformanceHost is the adapter of the shared table: a Host configured from
// scratch for the case, its documents served as if by the issuer, its clock
// stopped at the case's time.
func conformanceHost(t *testing.T, c *conformance.Case, m *Module) *Host {
	t.Helper()
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		t.Fatal(err)
	}
	tr := &docTransport{p.JWKSURL, p.RevocationsURL, c.Keys, c.Revocations}
	return newTestHost(t, Options{
		Compiled: m, Policy: c.Policy, PoolSize: 1,
		HTTPClient: &http.Client{Transport: tr},
		Now:        func() time.Time { return time.Unix(c.Now, 0) },
	})
}

// cryptoModes are the two ways a host can verify signatures: natively
// through the guest's import, or in the guest.
var cryptoModes = []struct {
	name   string
	module func() *Module
}{
	{"host-crypto", func() *Module { return testCompiled }},
	{"guest-crypto", func() *Module { return testGuestOnly }},
}

// TestConformanceHandler runs the shared table through the net/http
// middleware.
func TestConformanceHandler(t *testing.T) {
	for _, mode := range cryptoModes {
		t.Run(mode.name, func(t *testing.T) { conformanceHandler(t, mode.module()) })
	}
}

func conformanceHandler(t *testing.T, m *Module) {
	for _, c := range conformance.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			h := conformanceHost(t, &c, m)
			var seen conformance.Result
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = conformance.Result{
					Status:  200,
					Subject: r.Header.Get(HeaderSubject), ClientID: r.Header.Get(HeaderClientID), Scope: r.Header.Get(HeaderScope),
				}
			})
			req := httptest.NewRequest(c.Method, c.Path, nil)
			for _, a := range c.Authorization {
				req.Header.Add("Authorization", a)
			}
			rec := httptest.NewRecorder()
			h.Handler(next).ServeHTTP(rec, req)
			res := seen
			if rec.Code != 200 {
				res = conformance.Result{Status: rec.Code, WWWAuthenticate: rec.Header().Get("WWW-Authenticate")}
			}
			if err := conformance.Check(&c, res); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestConformanceFastHTTP runs the shared table through the fasthttp
// middleware, in memory.
func TestConformanceFastHTTP(t *testing.T) {
	for _, mode := range cryptoModes {
		t.Run(mode.name, func(t *testing.T) { conformanceFastHTTP(t, mode.module()) })
	}
}

func conformanceFastHTTP(t *testing.T, m *Module) {
	for _, c := range conformance.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			h := conformanceHost(t, &c, m)
			var seen conformance.Result
			next := func(ctx *fasthttp.RequestCtx) {
				hdr := &ctx.Request.Header
				seen = conformance.Result{
					Status:  200,
					Subject: string(hdr.Peek(HeaderSubject)), ClientID: string(hdr.Peek(HeaderClientID)), Scope: string(hdr.Peek(HeaderScope)),
				}
			}
			var req fasthttp.Request
			req.Header.SetMethod(c.Method)
			req.SetRequestURI(c.Path)
			req.Header.SetHost("edge.test")
			for _, a := range c.Authorization {
				req.Header.Add("Authorization", a)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, nil)
			h.FastHTTP(next)(&ctx)
			res := seen
			if code := ctx.Response.StatusCode(); code != 200 {
				res = conformance.Result{Status: code, WWWAuthenticate: string(ctx.Response.Header.Peek("WWW-Authenticate"))}
			}
			if err := conformance.Check(&c, res); err != nil {
				t.Error(err)
			}
		})
	}
}
