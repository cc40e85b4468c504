package bench

import (
	"context"
	"net"
	"os"
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

	load := Load{Addr: ln.Addr().String(), Path: "/x", Conns: 3, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond,
		Tokens: [][]byte{[]byte("a"), []byte("b"), []byte("deny")}, ServerPID: os.Getpid()}
	var pooled Sample
	for range 2 { // two rounds, pooled as the proxy benchmark pools its rounds
		s, err := load.Sample(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pooled.Add(s)
	}
	l := pooled.Summary()
	if l.Requests < 30 || l.Errors != 0 || l.Non2xx == 0 {
		t.Fatalf("summary %+v", l)
	}
	if l.Seconds < 0.6 || l.P50US <= 0 || l.P99US < l.P50US || l.MaxUS < l.P99US {
		t.Errorf("summary %+v", l)
	}
	// The server runs in this process, whose CPU time includes the load
	// generator's: per request it is positive and well under a second.
	if l.ServerCPUUS <= 0 || l.ServerCPUUS > 1e6 {
		t.Errorf("server CPU per request %v µs", l.ServerCPUUS)
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
