package httpwasmtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
)

// BenchmarkRequest measures one request through the middleware: "cached"
// answers from the guest's verified-token cache, "verify" does the full
// ES256 verification in the guest every time (cache disabled).
func BenchmarkRequest(b *testing.B) {
	now := time.Now().Unix()
	mc := wazero.NewModuleConfig().WithStartFunctions("_initialize").WithSysWalltime().WithSysNanotime()
	for _, bm := range []struct {
		name  string
		extra map[string]any
	}{
		{"cached", nil},
		{"verify", map[string]any{"cache_entries": 0}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			mw := mustMiddleware(b, inlinePolicy(b, bm.extra), mc, nil)
			h := mw.NewHandler(context.Background(), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			r := httptest.NewRequest("GET", "http://edge.test/api/items", nil)
			r.Header.Set("Authorization", "Bearer "+token(b, now, "bench", "read"))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Header().Get("WWW-Authenticate"))
			}
			b.ResetTimer()
			for range b.N {
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	}
}
