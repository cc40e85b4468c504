package bench

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestLoad: the generator records only the measured window, sends each
// token in turn across workers, and counts non-2xx answers apart.
func TestLoad(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		a := string(ctx.Request.Header.Peek("Authorization"))
		mu.Lock()
		seen[a]++
		mu.Unlock()
		if a == "Bearer deny" {
			ctx.SetStatusCode(401)
		}
	}}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Shutdown() }()

	l, err := Load{Addr: ln.Addr().String(), Path: "/x", Conns: 3, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond,
		Tokens: [][]byte{[]byte("a"), []byte("b"), []byte("deny")}}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l.Requests < 30 || l.Errors != 0 || l.Non2xx == 0 {
		t.Fatalf("summary %+v", l)
	}
	if l.Seconds < 0.3 || l.P50US <= 0 || l.P99US < l.P50US || l.MaxUS < l.P99US {
		t.Errorf("summary %+v", l)
	}
	mu.Lock()
	defer mu.Unlock()
	total := seen["Bearer a"] + seen["Bearer b"] + seen["Bearer deny"]
	for _, k := range []string{"Bearer a", "Bearer b", "Bearer deny"} {
		if share := float64(seen[k]) / float64(total); share < 0.25 || share > 0.42 {
			t.Errorf("%s sent %d of %d times", k, seen[k], total)
		}
	}
	if total < l.Requests+l.Non2xx {
		t.Errorf("server saw %d requests, the summary counts %d + %d", total, l.Requests, l.Non2xx)
	}
}
