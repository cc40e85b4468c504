package tinygotest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/tollgate/tollgate/edge"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// edgeSetup is the conformance adapter: an edge.Host running the TinyGo
// module, configured from scratch for the case, its documents served as if
// by the issuer, its clock stopped at the case's time.
func edgeSetup(mod *edge.Module, guestCrypto bool) conformance.Setup {
	return func(t testing.TB, c *conformance.Case) conformance.Host {
		docs, err := conformance.Documents(c)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		h, err := edge.New(ctx, edge.Options{
			Policy: c.Policy, Compiled: mod, PoolSize: 1, GuestCrypto: guestCrypto,
			HTTPClient: &http.Client{Transport: docs},
			Now:        func() time.Time { return time.Unix(c.Now, 0) },
			Logger:     quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Close(ctx) })
		return func(req conformance.Request) conformance.Response { return conformance.ServeHTTP(h.Handler, req) }
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
