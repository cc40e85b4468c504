package forward

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/internal/promtext"
)

// upstreamMetrics are an Upstream's counters, updated atomically.
type upstreamMetrics struct {
	responses      [6]atomic.Uint64 // by status class: [1] 1xx … [5] 5xx, [0] anything else
	failures       [3]atomic.Uint64 // by failureReasons
	upgrades       atomic.Uint64    // protocol switches completed
	upgradesActive atomic.Int64     // switched connections open now
	latency        *promtext.Histogram
}

var failureReasons = [...]string{"connect", "timeout", "other"}

func newUpstreamMetrics() upstreamMetrics {
	return upstreamMetrics{latency: promtext.NewHistogram(
		100*time.Microsecond, 250*time.Microsecond, 500*time.Microsecond,
		time.Millisecond, 2500*time.Microsecond, 5*time.Millisecond,
		10*time.Millisecond, 25*time.Millisecond, 50*time.Millisecond,
		100*time.Millisecond, 250*time.Millisecond, 500*time.Millisecond,
		time.Second, 2500*time.Millisecond, 10*time.Second, time.Minute)}
}

// response counts an answer from the upstream, took after the request was
// handed to it.
func (m *upstreamMetrics) response(status int, took time.Duration) {
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	m.responses[class].Add(1)
	m.latency.Observe(took)
}

// failure counts a request the upstream did not answer (a 502).
func (m *upstreamMetrics) failure(err error) {
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, fasthttp.ErrDialTimeout) || errors.As(err, &opErr) && opErr.Op == "dial":
		m.failures[0].Add(1)
	case errors.Is(err, fasthttp.ErrTimeout) || errors.As(err, &netErr) && netErr.Timeout():
		m.failures[1].Add(1)
	default:
		m.failures[2].Add(1)
	}
}

// WriteMetrics writes the upstream's metrics to w in the Prometheus text
// format: answers by status class, their latency, failures, and protocol
// switches.
func (u *Upstream) WriteMetrics(w io.Writer) error {
	m := &u.metrics
	e := &promtext.Writer{B: make([]byte, 0, 2048)}
	e.Header("tollgate_edge_upstream_responses_total", "counter", "Answers from the upstream, by status class (other: outside 1xx–5xx).")
	for class := range m.responses {
		label := "other"
		if class > 0 {
			label = strconv.Itoa(class) + "xx"
		}
		e.Sample("tollgate_edge_upstream_responses_total", float64(m.responses[class].Load()), "class", label)
	}
	e.Header("tollgate_edge_upstream_duration_seconds", "histogram", "Time from handing a request to the upstream to its response head (and the first 256 KiB of body).")
	e.Histogram("tollgate_edge_upstream_duration_seconds", m.latency)
	e.Header("tollgate_edge_upstream_failures_total", "counter", "Requests the upstream did not answer (the client got 502), by reason.")
	for i, r := range failureReasons {
		e.Sample("tollgate_edge_upstream_failures_total", float64(m.failures[i].Load()), "reason", r)
	}
	e.Header("tollgate_edge_upgrades_total", "counter", "Protocol switches (WebSocket) completed.")
	e.Sample("tollgate_edge_upgrades_total", float64(m.upgrades.Load()))
	e.Header("tollgate_edge_upgrades_active", "gauge", "Switched connections open now.")
	e.Sample("tollgate_edge_upgrades_active", float64(m.upgradesActive.Load()))
	_, err := w.Write(e.B)
	return err
}
