package httpwasmtest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestHostileThenGood sends each hostile request, then a good one, through
// the same middleware. http-wasm-host-go puts an instance that trapped back
// in its pool, so a guest that trapped on hostile input would answer the
// hostile request with 500 and fail later ones: every hostile request must
// get a spec-shaped answer and the good request after it 200.
func TestHostileThenGood(t *testing.T) {
	clk := newClock(conformance.Now)
	mw := mustMiddleware(t, inlinePolicy(t, nil), moduleConfig(clk), nil)
	good := get("/api/items", token(t, conformance.Now, "good", "read"))
	huge := strings.Repeat("a", 1<<20)

	tests := []struct {
		name string
		req  conformance.Request
		want []int // acceptable statuses
	}{
		{"1 MiB token", get("/", huge), []int{401}},
		{"100000 dots", get("/", strings.Repeat(".", 100000)), []int{401}},
		{"3 MiB Authorization header", get("/", strings.Repeat("b", 3<<20)), []int{431}},
		{"many Authorization headers", conformance.Request{Method: "GET", Path: "/",
			Authorization: strings.Split(strings.Repeat("Bearer x,", 1000), ",")}, []int{400}},
		{"NUL inside the header", conformance.Request{Method: "GET", Path: "/",
			Authorization: []string{"Bearer " + good.Authorization[0][7:] + "\x00junk"}}, []int{400}},
		{"binary garbage", conformance.Request{Method: "GET", Path: "/",
			Authorization: []string{"Bearer \xff\xfe\x00\x01"}}, []int{400}},
		{"empty Authorization", conformance.Request{Method: "GET", Path: "/", Authorization: []string{""}}, []int{401}},
		{"Bearer without token", conformance.Request{Method: "GET", Path: "/", Authorization: []string{"Bearer"}}, []int{400}},
		{"2 MiB URI", conformance.Request{Method: "GET", Path: "/" + strings.Repeat("p", 2<<20),
			Authorization: good.Authorization}, []int{414}},
		{"2 KiB method", conformance.Request{Method: strings.Repeat("M", 2048), Path: "/",
			Authorization: good.Authorization}, []int{400}},
		{"dot-dot into a route", conformance.Request{Method: "POST", Path: "/x/%2e%2e/admin/",
			Authorization: good.Authorization}, []int{400}},
		{"many forged X-Auth headers", conformance.Request{Method: "GET", Path: "/", Header: manyForged(2000)}, []int{401}},
		{"header names beyond the limit", conformance.Request{Method: "GET", Path: "/", Header: manyForged(100000)}, []int{431}},
		{"token of a foreign key", get("/", token(t, conformance.Now, "j", "read")[:50]+"x.y.z"), []int{401}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for round := range 3 {
				got := conformance.ServeHTTP(handlerOf(mw), tt.req)
				if !contains(tt.want, got.Status) {
					t.Fatalf("round %d: hostile request: status %d, want one of %v (WWW-Authenticate %q)",
						round, got.Status, tt.want, got.WWWAuthenticate)
				}
				if got.Headers != nil {
					t.Fatalf("round %d: hostile request reached the upstream", round)
				}
				if after := conformance.ServeHTTP(handlerOf(mw), good); after.Status != 200 || after.Headers["X-Auth-Subject"] != "alice" {
					t.Fatalf("round %d: good request after it: status %d, headers %v", round, after.Status, after.Headers)
				}
			}
		})
	}
}

func manyForged(n int) map[string]string {
	h := make(map[string]string, n)
	for i := range n {
		h["X-Auth-Forged-"+strings.Repeat("x", i%50)+strconv.Itoa(i)] = "forged"
	}
	return h
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
