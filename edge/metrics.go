package edge

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/tollgate/tollgate/internal/promtext"
)

// denial reasons, the label values of tollgate_edge_denied_total.
var denialReasons = [...]string{
	InvalidRequest:    "invalid_request",
	InvalidToken:      "invalid_token",
	InsufficientScope: "insufficient_scope",
	NoToken:           "no_token",
	reasonError:       "error",
}

// reasonError counts requests denied because the host failed (503).
const reasonError = 5

// newLatency returns the validation latency histogram.
func newLatency() *promtext.Histogram {
	return promtext.NewHistogram(
		time.Microsecond, 2500*time.Nanosecond, 5*time.Microsecond,
		10*time.Microsecond, 25*time.Microsecond, 50*time.Microsecond,
		100*time.Microsecond, 250*time.Microsecond, 500*time.Microsecond,
		time.Millisecond, 2500*time.Microsecond, 5*time.Millisecond,
		10*time.Millisecond, 25*time.Millisecond, 100*time.Millisecond)
}

// metrics are the host's counters; all fields are updated atomically.
type metrics struct {
	allowed       atomic.Uint64
	denied        [len(denialReasons)]atomic.Uint64
	cacheHits     atomic.Uint64
	cacheMisses   atomic.Uint64
	guestFailures atomic.Uint64
	latency       *promtext.Histogram // from newLatency
}

// observe counts one decision and its latency.
func (m *metrics) observe(d *Decision, took time.Duration) {
	if d.Verdict == Allow {
		m.allowed.Add(1)
	} else if int(d.Verdict) < len(m.denied) {
		m.denied[d.Verdict].Add(1)
	}
	if d.Verdict != NoToken && d.Verdict != InvalidRequest {
		if d.Cached {
			m.cacheHits.Add(1)
		} else {
			m.cacheMisses.Add(1)
		}
	}
	m.latency.Observe(took)
}

// feedStats are the counters of one feed.
type feedStats struct {
	name        string
	updated     atomic.Uint64
	notModified atomic.Uint64
	failures    atomic.Uint64
	kicks       atomic.Uint64 // fetches triggered by unknown kids
	kickLimited atomic.Uint64 // unknown kids that did not trigger one
	lastSuccess atomic.Int64  // Unix nanoseconds
	good        atomic.Bool   // a document has been published
	stale       atomic.Bool   // the last fetch failed
}

// record counts one fetch.
func (s *feedStats) record(err error, changed bool, now time.Time) {
	switch {
	case err != nil:
		s.failures.Add(1)
		s.stale.Store(true)
		return
	case changed:
		s.updated.Add(1)
		s.good.Store(true)
	default:
		s.notModified.Add(1)
	}
	s.stale.Store(false)
	s.lastSuccess.Store(now.UnixNano())
}

func (s *feedStats) hasGood() bool { return s.good.Load() }

// write writes the exposition of m, the feeds and the pool size to w.
func (m *metrics) write(w io.Writer, feeds []*feedStats, instances int64) error {
	e := &promtext.Writer{B: make([]byte, 0, 4096)}
	e.Header("tollgate_edge_allowed_total", "counter", "Requests allowed.")
	e.Sample("tollgate_edge_allowed_total", float64(m.allowed.Load()))
	e.Header("tollgate_edge_denied_total", "counter", "Requests denied, by reason (RFC 6750 error code, no_token, or error for host failures).")
	for i, r := range denialReasons {
		if r != "" {
			e.Sample("tollgate_edge_denied_total", float64(m.denied[i].Load()), "reason", r)
		}
	}
	e.Header("tollgate_edge_cache_hits_total", "counter", "Validations answered from the guest's verified-token cache.")
	e.Sample("tollgate_edge_cache_hits_total", float64(m.cacheHits.Load()))
	e.Header("tollgate_edge_cache_misses_total", "counter", "Validations that missed the verified-token cache.")
	e.Sample("tollgate_edge_cache_misses_total", float64(m.cacheMisses.Load()))
	e.Header("tollgate_edge_guest_failures_total", "counter", "Instances replaced after a trap or an internal error.")
	e.Sample("tollgate_edge_guest_failures_total", float64(m.guestFailures.Load()))
	e.Header("tollgate_edge_pool_instances", "gauge", "Module instances in the pool.")
	e.Sample("tollgate_edge_pool_instances", float64(instances))

	e.Header("tollgate_edge_validation_duration_seconds", "histogram", "Time to validate a request in the guest, including waiting for an instance.")
	e.Histogram("tollgate_edge_validation_duration_seconds", m.latency)

	e.Header("tollgate_edge_fetches_total", "counter", "Successful fetches of the JWKS and revocation feeds, by result.")
	for _, f := range feeds {
		e.Sample("tollgate_edge_fetches_total", float64(f.updated.Load()), "feed", f.name, "result", "updated")
		e.Sample("tollgate_edge_fetches_total", float64(f.notModified.Load()), "feed", f.name, "result", "not_modified")
	}
	e.Header("tollgate_edge_fetch_failures_total", "counter", "Failed fetches (network, status, or a document the validator rejected).")
	for _, f := range feeds {
		e.Sample("tollgate_edge_fetch_failures_total", float64(f.failures.Load()), "feed", f.name)
	}
	e.Header("tollgate_edge_fetch_stale", "gauge", "1 while the last fetch failed and the last good document is served.")
	for _, f := range feeds {
		e.Sample("tollgate_edge_fetch_stale", promtext.Bool(f.stale.Load()), "feed", f.name)
	}
	e.Header("tollgate_edge_fetch_last_success_timestamp_seconds", "gauge", "Unix time of the last successful fetch (0: never).")
	for _, f := range feeds {
		e.Sample("tollgate_edge_fetch_last_success_timestamp_seconds", float64(f.lastSuccess.Load())/1e9, "feed", f.name)
	}
	e.Header("tollgate_edge_unknown_key_fetches_total", "counter", "JWKS fetches triggered by an unknown kid, and unknown kids that were rate-limited.")
	for _, f := range feeds {
		if f.name == feedJWKS {
			e.Sample("tollgate_edge_unknown_key_fetches_total", float64(f.kicks.Load()), "result", "fetched")
			e.Sample("tollgate_edge_unknown_key_fetches_total", float64(f.kickLimited.Load()), "result", "rate_limited")
		}
	}
	_, err := w.Write(e.B)
	return err
}
