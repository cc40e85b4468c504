package edge

import (
	"io"
	"strconv"
	"sync/atomic"
	"time"
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

// latencyBuckets are the upper bounds of the validation latency histogram.
var latencyBuckets = [...]time.Duration{
	time.Microsecond, 2500 * time.Nanosecond, 5 * time.Microsecond,
	10 * time.Microsecond, 25 * time.Microsecond, 50 * time.Microsecond,
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 100 * time.Millisecond,
}

// metrics are the host's counters; all fields are updated atomically.
type metrics struct {
	allowed       atomic.Uint64
	denied        [len(denialReasons)]atomic.Uint64
	cacheHits     atomic.Uint64
	cacheMisses   atomic.Uint64
	guestFailures atomic.Uint64

	latency    [len(latencyBuckets) + 1]atomic.Uint64 // last: +Inf
	latencySum atomic.Uint64                          // nanoseconds
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
	i := 0
	for i < len(latencyBuckets) && took > latencyBuckets[i] {
		i++
	}
	m.latency[i].Add(1)
	m.latencySum.Add(uint64(took))
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

// exposition writes metrics in the Prometheus text format (version 0.0.4).
type exposition struct{ b []byte }

func (e *exposition) header(name, typ, help string) {
	e.b = append(e.b, "# HELP "...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ' ')
	e.b = append(e.b, help...)
	e.b = append(e.b, "\n# TYPE "...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ' ')
	e.b = append(e.b, typ...)
	e.b = append(e.b, '\n')
}

// sample writes `name{labels} value`; labels are alternating names and values.
func (e *exposition) sample(name string, v float64, labels ...string) {
	e.b = append(e.b, name...)
	for i := 0; i+1 < len(labels); i += 2 {
		if i == 0 {
			e.b = append(e.b, '{')
		} else {
			e.b = append(e.b, ',')
		}
		e.b = append(e.b, labels[i]...)
		e.b = append(e.b, `="`...)
		e.b = append(e.b, labels[i+1]...)
		e.b = append(e.b, '"')
	}
	if len(labels) > 1 {
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ' ')
	e.b = strconv.AppendFloat(e.b, v, 'g', -1, 64)
	e.b = append(e.b, '\n')
}

// write writes the exposition of m, the feeds and the pool size to w.
func (m *metrics) write(w io.Writer, feeds []*feedStats, instances int64) error {
	e := &exposition{b: make([]byte, 0, 4096)}
	e.header("tollgate_edge_allowed_total", "counter", "Requests allowed.")
	e.sample("tollgate_edge_allowed_total", float64(m.allowed.Load()))
	e.header("tollgate_edge_denied_total", "counter", "Requests denied, by reason (RFC 6750 error code, no_token, or error for host failures).")
	for i, r := range denialReasons {
		if r != "" {
			e.sample("tollgate_edge_denied_total", float64(m.denied[i].Load()), "reason", r)
		}
	}
	e.header("tollgate_edge_cache_hits_total", "counter", "Validations answered from the guest's verified-token cache.")
	e.sample("tollgate_edge_cache_hits_total", float64(m.cacheHits.Load()))
	e.header("tollgate_edge_cache_misses_total", "counter", "Validations that missed the verified-token cache.")
	e.sample("tollgate_edge_cache_misses_total", float64(m.cacheMisses.Load()))
	e.header("tollgate_edge_guest_failures_total", "counter", "Instances replaced after a trap or an internal error.")
	e.sample("tollgate_edge_guest_failures_total", float64(m.guestFailures.Load()))
	e.header("tollgate_edge_pool_instances", "gauge", "Module instances in the pool.")
	e.sample("tollgate_edge_pool_instances", float64(instances))

	e.header("tollgate_edge_validation_duration_seconds", "histogram", "Time to validate a request in the guest, including waiting for an instance.")
	var cum uint64
	for i, le := range latencyBuckets {
		cum += m.latency[i].Load()
		e.sample("tollgate_edge_validation_duration_seconds_bucket", float64(cum), "le", strconv.FormatFloat(le.Seconds(), 'g', -1, 64))
	}
	cum += m.latency[len(latencyBuckets)].Load()
	e.sample("tollgate_edge_validation_duration_seconds_bucket", float64(cum), "le", "+Inf")
	e.sample("tollgate_edge_validation_duration_seconds_sum", time.Duration(m.latencySum.Load()).Seconds())
	e.sample("tollgate_edge_validation_duration_seconds_count", float64(cum))

	e.header("tollgate_edge_fetches_total", "counter", "Successful fetches of the JWKS and revocation feeds, by result.")
	for _, f := range feeds {
		e.sample("tollgate_edge_fetches_total", float64(f.updated.Load()), "feed", f.name, "result", "updated")
		e.sample("tollgate_edge_fetches_total", float64(f.notModified.Load()), "feed", f.name, "result", "not_modified")
	}
	e.header("tollgate_edge_fetch_failures_total", "counter", "Failed fetches (network, status, or a document the validator rejected).")
	for _, f := range feeds {
		e.sample("tollgate_edge_fetch_failures_total", float64(f.failures.Load()), "feed", f.name)
	}
	e.header("tollgate_edge_fetch_stale", "gauge", "1 while the last fetch failed and the last good document is served.")
	for _, f := range feeds {
		e.sample("tollgate_edge_fetch_stale", b2f(f.stale.Load()), "feed", f.name)
	}
	e.header("tollgate_edge_fetch_last_success_timestamp_seconds", "gauge", "Unix time of the last successful fetch (0: never).")
	for _, f := range feeds {
		e.sample("tollgate_edge_fetch_last_success_timestamp_seconds", float64(f.lastSuccess.Load())/1e9, "feed", f.name)
	}
	e.header("tollgate_edge_unknown_key_fetches_total", "counter", "JWKS fetches triggered by an unknown kid, and unknown kids that were rate-limited.")
	for _, f := range feeds {
		if f.name == feedJWKS {
			e.sample("tollgate_edge_unknown_key_fetches_total", float64(f.kicks.Load()), "result", "fetched")
			e.sample("tollgate_edge_unknown_key_fetches_total", float64(f.kickLimited.Load()), "result", "rate_limited")
		}
	}
	_, err := w.Write(e.b)
	return err
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
