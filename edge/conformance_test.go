package edge

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// conformanceHost is a Host configured from scratch for the case, its
// documents served as if by the issuer, its clock stopped at the case's
// time.
func conformanceHost(t testing.TB, c *conformance.Case, m *Module) *Host {
	t.Helper()
	docs, err := conformance.Documents(c)
	if err != nil {
		t.Fatal(err)
	}
	return newTestHost(t, Options{
		Compiled: m, Policy: c.Policy, PoolSize: 1,
		HTTPClient: &http.Client{Transport: docs},
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
		t.Run(mode.name, func(t *testing.T) { conformance.RunHTTP(t, handlerSetup(mode.module())) })
	}
}

func handlerSetup(m *Module) conformance.Setup {
	return func(t testing.TB, c *conformance.Case) conformance.Host {
		h := conformanceHost(t, c, m)
		return func(req conformance.Request) conformance.Response { return conformance.ServeHTTP(h.Handler, req) }
	}
}

// TestConformanceFastHTTP runs the shared table through the fasthttp
// middleware, in memory.
func TestConformanceFastHTTP(t *testing.T) {
	for _, mode := range cryptoModes {
		t.Run(mode.name, func(t *testing.T) { conformance.RunHTTP(t, fastHTTPSetup(mode.module())) })
	}
}

func fastHTTPSetup(m *Module) conformance.Setup {
	return func(t testing.TB, c *conformance.Case) conformance.Host {
		h := conformanceHost(t, c, m)
		return func(req conformance.Request) conformance.Response {
			var upstream map[string]string
			next := func(ctx *fasthttp.RequestCtx) {
				upstream = map[string]string{}
				for k, v := range ctx.Request.Header.All() {
					upstream[http.CanonicalHeaderKey(string(k))] = string(v)
				}
			}
			var r fasthttp.Request
			r.Header.SetMethod(req.Method)
			r.SetRequestURI(req.Path)
			r.Header.SetHost("edge.test")
			for k, v := range req.Header {
				r.Header.Set(k, v)
			}
			for _, a := range req.Authorization {
				r.Header.Add("Authorization", a)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&r, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, nil)
			h.FastHTTP(next)(&ctx)
			return conformance.Response{Status: ctx.Response.StatusCode(),
				WWWAuthenticate: string(ctx.Response.Header.Peek("WWW-Authenticate")), Headers: upstream}
		}
	}
}
