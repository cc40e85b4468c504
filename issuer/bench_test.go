package issuer

import (
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

// nopSigner returns a constant token: it isolates the endpoint's own cost
// from the signature's.
type nopSigner struct{}

func (nopSigner) Sign(string, string, []byte) ([]byte, string, error) {
	return []byte("eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl"), "kid", nil
}
func (nopSigner) JWKS() ([]byte, string) { return []byte(`{"keys":[]}`), "x" }
func (nopSigner) Algorithms() []string   { return []string{"ES256"} }

// ringSigner is the production signer, jwks/signing's Ring, with one ES256 key.
func ringSigner(b *testing.B) Signer {
	ring := signing.NewRing(nil, signing.Options{})
	k, err := ring.Rotate(signing.ES256)
	if err != nil {
		b.Fatal(err)
	}
	ring.Add(k)
	return ring
}

func benchServer(b *testing.B, signer Signer) *Server {
	b.Helper()
	srv, err := New(Config{
		InsecureNoRateLimit: true,
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, newFakeStore(b, &fakeClients{m: testClients()}), signer)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkTokenEndpoint measures client_credentials requests over an
// in-memory connection per goroutine: HTTP parsing, client authentication
// (cached client, SHA-256 secret check), claims, signing and the response.
// "ring-ES256" signs with the production Ring; "nosign" uses a constant-token signer to show the endpoint's own cost.
func BenchmarkTokenEndpoint(b *testing.B) {
	for _, bc := range []struct {
		name   string
		signer func(b *testing.B) Signer
	}{
		{"ring-ES256", ringSigner},
		{"nosign", func(*testing.B) Signer { return nopSigner{} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := benchServer(b, bc.signer(b))
			ln := fasthttputil.NewInmemoryListener()
			go func() { _ = srv.Serve(ln) }()
			b.Cleanup(func() { _ = srv.Shutdown(b.Context()) })
			hc := &fasthttp.Client{
				Dial:                func(string) (net.Conn, error) { return ln.Dial() },
				MaxConnsPerHost:     1024,
				MaxIdleConnDuration: time.Minute,
			}
			auth := basic(svcID, svcSecret)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				for pb.Next() {
					req.Reset()
					req.Header.SetMethod(fasthttp.MethodPost)
					req.SetRequestURI("http://issuer.test/o/token/")
					req.Header.SetContentType(formContentType)
					req.Header.Set(fasthttp.HeaderAuthorization, auth)
					req.SetBodyString("grant_type=client_credentials&scope=read+write")
					if err := hc.Do(req, resp); err != nil {
						b.Fatal(err)
					}
					if resp.StatusCode() != 200 {
						b.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkTokenHandler calls the handler directly: the endpoint's CPU and
// allocations with no transport at all.
func BenchmarkTokenHandler(b *testing.B) {
	for _, bc := range []struct {
		name   string
		signer func(b *testing.B) Signer
	}{
		{"ring-ES256", ringSigner},
		{"nosign", func(*testing.B) Signer { return nopSigner{} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := benchServer(b, bc.signer(b)).Handler()
			auth := basic(svcID, svcSecret)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.Header.SetMethod(fasthttp.MethodPost)
					ctx.Request.SetRequestURI("/o/token/")
					ctx.Request.Header.SetContentType(formContentType)
					ctx.Request.Header.Set(fasthttp.HeaderAuthorization, auth)
					ctx.Request.SetBodyString("grant_type=client_credentials&scope=read+write")
					h(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
					}
				}
			})
		})
	}
}

// BenchmarkClientLookup is the measurement behind the client cache: a
// bbolt read (with JSON decoding) per request against a cache hit.
func BenchmarkClientLookup(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	c := &store.Client{Name: "bench", Type: store.Confidential, SecretHash: store.HashSecret(svcSecret),
		GrantTypes: []string{store.GrantClientCredentials}, Scopes: []string{"read", "write"}}
	if err := db.CreateClient(c); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		src  Clients
	}{
		{"bbolt", db},
		{"cached", &clientCache{src: db, ttl: time.Minute, now: time.Now}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := bc.src.Client(c.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
