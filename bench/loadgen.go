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
	// FirstToken is the index in Tokens of the first token sent, so that
	// successive runs can continue where the previous one stopped
	// (Sample.Sent) instead of resending tokens a cache may still hold.
	FirstToken uint64
	// ServerPID, when set, is the process answering on Addr: Run reports
	// its CPU time per recorded request (Latency.ServerCPUUS), which the
	// machine's wake-up latency and noise distort far less than latency.
	ServerPID int
}

// Run runs the load and summarises the recorded window.
func (l Load) Run(ctx context.Context) (Latency, error) {
	s, err := l.Sample(ctx)
	return s.Summary(), err
}

// Sample is what one load run recorded, kept raw so that the runs of
// several rounds can be pooled (Add) before they are summarised.
type Sample struct {
	Latencies      []time.Duration // successful requests only
	Errors, Non2xx int
	Window         time.Duration
	ServerCPU      time.Duration // zero unless Load.ServerPID was set
	Sent           uint64        // requests sent, warm-up included
}

// Add pools o into s.
func (s *Sample) Add(o Sample) {
	s.Latencies = append(s.Latencies, o.Latencies...)
	s.Errors += o.Errors
	s.Non2xx += o.Non2xx
	s.Window += o.Window
	s.ServerCPU += o.ServerCPU
	s.Sent += o.Sent
}

// Summary summarises s. It sorts s.Latencies in place.
func (s Sample) Summary() Latency {
	l := Summarize(s.Latencies, s.Window)
	l.Errors, l.Non2xx = s.Errors, s.Non2xx
	if n := len(s.Latencies) + s.Errors + s.Non2xx; s.ServerCPU > 0 && n > 0 {
		l.ServerCPUUS = float64(s.ServerCPU) / float64(time.Microsecond) / float64(n)
	}
	return l
}

// Sample runs the load and returns what the recorded window saw.
func (l Load) Sample(ctx context.Context) (Sample, error) {
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
					req.Header.SetBytesV(fasthttp.HeaderAuthorization, auth[(l.FirstToken+next.Add(1)-1)%uint64(len(auth))])
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
	cpu0, cpuOK := l.serverCPU()
	recording.Store(true)
	start := time.Now()
	sleep(ctx, l.Duration)
	recording.Store(false)
	window := time.Since(start)
	cpu1, cpuOK1 := l.serverCPU()
	stop.Store(true)
	wg.Wait()
	s := Sample{Latencies: all, Errors: errs, Non2xx: non2xx, Window: window, Sent: next.Load()}
	if cpuOK && cpuOK1 {
		s.ServerCPU = cpu1 - cpu0
	}
	return s, ctx.Err()
}

func (l Load) serverCPU() (time.Duration, bool) {
	if l.ServerPID == 0 {
		return 0, false
	}
	return cpuTime(l.ServerPID)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
