package issuer

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tollgate/tollgate/internal/promtext"
)

// statusSlots counts responses by exact status code, 100–599; slot 0
// takes anything else.
const statusSlots = 600

// metrics are the server's counters. The slices and the map are built once
// in New, after every route and grant is registered, and only their
// atomics change after that.
type metrics struct {
	paths    []string // by route index; index 0 is "other" (unknown paths, unreadable requests)
	requests [][statusSlots]atomic.Uint64
	latency  []*promtext.Histogram
	tokens   map[string]*atomic.Uint64 // by grant_type
}

func newMetrics(paths []string, grants map[string]grantFunc) *metrics {
	m := &metrics{
		paths:    paths,
		requests: make([][statusSlots]atomic.Uint64, len(paths)),
		latency:  make([]*promtext.Histogram, len(paths)),
		tokens:   map[string]*atomic.Uint64{},
	}
	for i := range paths {
		m.latency[i] = promtext.NewHistogram(
			100*time.Microsecond, 250*time.Microsecond, 500*time.Microsecond,
			time.Millisecond, 2500*time.Microsecond, 5*time.Millisecond,
			10*time.Millisecond, 25*time.Millisecond, 50*time.Millisecond,
			100*time.Millisecond, 250*time.Millisecond, time.Second, 5*time.Second)
	}
	for g := range grants {
		m.tokens[g] = new(atomic.Uint64)
	}
	return m
}

// observe counts one answered request of the route with index path.
func (m *metrics) observe(path, status int, took time.Duration) {
	if status < 100 || status >= statusSlots {
		status = 0
	}
	m.requests[path][status].Add(1)
	m.latency[path].Observe(took)
}

// WriteMetrics writes the server's metrics to w in the Prometheus text
// format: requests by route and status, their latency, access tokens
// issued by grant, and requests refused by each rate limit.
func (s *Server) WriteMetrics(w io.Writer) error {
	m := s.metrics
	e := &promtext.Writer{B: make([]byte, 0, 8192)}
	e.Header("tollgate_issuer_requests_total", "counter", "Requests answered, by route (other: unknown paths and unreadable requests) and status code.")
	for i, p := range m.paths {
		for code := range m.requests[i] {
			if n := m.requests[i][code].Load(); n > 0 {
				e.Sample("tollgate_issuer_requests_total", float64(n), "path", p, "code", strconv.Itoa(code))
			}
		}
	}
	e.Header("tollgate_issuer_request_duration_seconds", "histogram", "Time to answer a request, by route.")
	for i, p := range m.paths {
		if m.latency[i].Count() > 0 {
			e.Histogram("tollgate_issuer_request_duration_seconds", m.latency[i], "path", p)
		}
	}
	e.Header("tollgate_issuer_tokens_issued_total", "counter", "Access tokens issued at the token endpoint, by grant_type.")
	for _, g := range slices.Sorted(maps.Keys(m.tokens)) {
		e.Sample("tollgate_issuer_tokens_issued_total", float64(m.tokens[g].Load()), "grant_type", g)
	}
	e.Header("tollgate_issuer_rate_limited_total", "counter", "Requests refused by a rate limit: per client and per source address at the token, revocation and introspection endpoints; per user and per address for password checks.")
	for _, l := range []struct {
		name    string
		limited *atomic.Uint64
	}{
		{"client", limitedOf(s.byClient)}, {"address", limitedOf(s.byAddr)},
		{"login_user", limitedOf(s.loginByUser)}, {"login_address", limitedOf(s.loginByAddr)},
	} {
		if l.limited != nil {
			e.Sample("tollgate_issuer_rate_limited_total", float64(l.limited.Load()), "limit", l.name)
		}
	}
	_, err := w.Write(e.B)
	return err
}

func limitedOf[K comparable](l *limiter[K]) *atomic.Uint64 {
	if l == nil {
		return nil
	}
	return &l.limited
}

// errShuttingDown is what Healthy answers once Shutdown has begun.
var errShuttingDown = errors.New("issuer: shutting down")

// Healthy reports whether the server should get traffic, for a load
// balancer's probe: nil while it serves and can sign access tokens; an
// error once Shutdown has begun (so the balancer drains it while requests
// in flight finish) or when the signer fails.
func (s *Server) Healthy() error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return errShuttingDown
	}
	if _, _, err := s.signer.Sign(s.cfg.SigningAlg, typAccessToken, []byte("{}")); err != nil {
		return fmt.Errorf("issuer: cannot sign %s: %w", s.cfg.SigningAlg, err)
	}
	return nil
}
