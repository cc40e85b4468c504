package httpwasmtest

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestHammer sends allowed and denied requests from several goroutines
// through one handler: http-wasm-host-go gives each concurrent request its
// own instance from the pool, and every answer must still be the right one.
func TestHammer(t *testing.T) {
	const workers, perWorker = 8, 60
	mw := mustMiddleware(t, inlinePolicy(t, nil), moduleConfig(newClock(conformance.Now)), nil)
	h := func(next http.Handler) http.Handler { return mw.NewHandler(context.Background(), next) }

	type check struct {
		req    conformance.Request
		status int
	}
	var checks []check
	for i := range 4 {
		jti := "hammer-" + strconv.Itoa(i)
		admin := get("/admin/x", token(t, conformance.Now, jti, "read"))
		admin.Method = "POST"
		checks = append(checks,
			check{get("/api/items", token(t, conformance.Now, jti, "read")), 200},
			check{get("/api/items", token(t, conformance.Now-7200, jti, "read")), 401}, // expired
			check{admin, 403},
			check{get("/api/items", ""), 401},
		)
	}

	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				c := checks[(w+i)%len(checks)]
				got := conformance.ServeHTTP(h, c.req)
				if got.Status != c.status || (c.status == 200 && got.Headers["X-Auth-Subject"] != "alice") {
					errs <- c.req.Method + " " + c.req.Path + ": status " + strconv.Itoa(got.Status) + ", want " + strconv.Itoa(c.status)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
