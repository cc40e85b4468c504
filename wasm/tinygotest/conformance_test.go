package tinygotest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tollgate/tollgate/edge"
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

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// edgeSetup is the conformance adapter: an edge.Host running the TinyGo
// module, configured from scratch for the case, its documents served as if
// by the issuer, its clock stopped at the case's time.
func edgeSetup(mod *edge.Module, guestCrypto bool) conformance.Setup {
	return func(t testing.TB, c *conformance.Case) conformance.Host {
		p, err := validator.ParsePolicy(c.Policy)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		h, err := edge.New(ctx, edge.Options{
			Policy: c.Policy, Compiled: mod, PoolSize: 1, GuestCrypto: guestCrypto,
			HTTPClient: &http.Client{Transport: &docTransport{p.JWKSURL, p.RevocationsURL, c.Keys, c.Revocations}},
			Now:        func() time.Time { return time.Unix(c.Now, 0) },
			Logger:     quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Close(ctx) })
		return func(req conformance.Request) conformance.Response {
			var upstream map[string]string
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				upstream = map[string]string{}
				for k := range r.Header {
					upstream[k] = r.Header.Get(k)
				}
			})
			r := httptest.NewRequest(req.Method, req.Path, nil)
			for k, v := range req.Header {
				r.Header.Set(k, v)
			}
			for _, a := range req.Authorization {
				r.Header.Add("Authorization", a)
			}
			rec := httptest.NewRecorder()
			h.Handler(next).ServeHTTP(rec, r)
			return conformance.Response{Status: rec.Code, WWWAuthenticate: rec.Header().Get("WWW-Authenticate"), Headers: upstream}
		}
	}
}

// TestConformance runs the shared host table against the TinyGo module in
// the edge host, with the host's native signature checks and with the
// guest's own.
func TestConformance(t *testing.T) {
	mod := compile(t)
	for _, tc := range []struct {
		name        string
		guestCrypto bool
	}{{"host crypto", false}, {"guest crypto", true}} {
		t.Run(tc.name, func(t *testing.T) {
			conformance.RunHTTP(t, edgeSetup(mod, tc.guestCrypto))
		})
	}
}
