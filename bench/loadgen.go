package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Load is a closed-loop HTTP load: Conns workers, each with its own
// keep-alive connection, send GET requests back to back — the next as soon
// as the previous answer is read — for Warmup (not recorded) and then
// Duration (recorded). It measures latency at a fixed concurrency; it does
// not try to hold a request rate.
type Load struct {
	Addr     string // host:port, loopback
	Path     string // request path, e.g. /things
	Conns    int    // concurrent connections (default 1)
	Warmup   time.Duration
	Duration time.Duration
	// Tokens, when not empty, are sent as "Authorization: Bearer <token>",
	// one per request in turn across all workers (so with more tokens
	// than the verified-token cache holds, every request is uncached).
	Tokens [][]byte
}

// Run runs the load and summarises the recorded window.
func (l Load) Run(ctx context.Context) (Latency, error) {
	conns := max(l.Conns, 1)
	hc := &fasthttp.HostClient{
		Addr:                l.Addr,
		MaxConns:            conns,
		MaxIdleConnDuration: time.Minute,
		ReadTimeout:         10 * time.Second,
		WriteTimeout:        10 * time.Second,
	}
	defer hc.CloseIdleConnections()
	auth := make([][]byte, len(l.Tokens))
	for i, t := range l.Tokens {
		auth[i] = append([]byte("Bearer "), t...)
	}
	var (
		next      atomic.Uint64
		recording atomic.Bool
		stop      atomic.Bool
		mu        sync.Mutex
		all       []time.Duration
		errs      int
		non2xx    int
		wg        sync.WaitGroup
	)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI("http://" + l.Addr + l.Path)
			req.Header.SetMethod(fasthttp.MethodGet)
			samples := make([]time.Duration, 0, 1<<16)
			var e, bad int
			for !stop.Load() && ctx.Err() == nil {
				if len(auth) > 0 {
					req.Header.SetBytesV(fasthttp.HeaderAuthorization, auth[next.Add(1)%uint64(len(auth))])
				}
				rec := recording.Load()
				start := time.Now()
				err := hc.Do(req, resp)
				took := time.Since(start)
				if !rec {
					continue
				}
				switch {
				case err != nil:
					e++
				case resp.StatusCode() < 200 || resp.StatusCode() > 299:
					bad++
				default:
					samples = append(samples, took)
				}
			}
			mu.Lock()
			all = append(all, samples...)
			errs += e
			non2xx += bad
			mu.Unlock()
		}()
	}
	sleep(ctx, l.Warmup)
	recording.Store(true)
	start := time.Now()
	sleep(ctx, l.Duration)
	recording.Store(false)
	window := time.Since(start)
	stop.Store(true)
	wg.Wait()
	s := Summarize(all, window)
	s.Errors, s.Non2xx = errs, non2xx
	return s, ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
