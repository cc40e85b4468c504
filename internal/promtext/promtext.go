// Package promtext writes metrics in the Prometheus text exposition format
// (version 0.0.4), without a client library: counters and gauges the
// servers keep as atomics, and latency histograms with fixed bounds. It
// also serves them, beside a health check, on a server's private listener.
package promtext

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// ContentType is the media type of the exposition.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Writer appends an exposition to B.
type Writer struct{ B []byte }

// Header writes the HELP and TYPE lines of a metric family.
func (w *Writer) Header(name, typ, help string) {
	w.B = append(w.B, "# HELP "...)
	w.B = append(w.B, name...)
	w.B = append(w.B, ' ')
	w.B = append(w.B, help...)
	w.B = append(w.B, "\n# TYPE "...)
	w.B = append(w.B, name...)
	w.B = append(w.B, ' ')
	w.B = append(w.B, typ...)
	w.B = append(w.B, '\n')
}

// labelEscaper escapes a label value as the format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// Sample writes `name{labels} v`; labels alternate names and values.
func (w *Writer) Sample(name string, v float64, labels ...string) {
	w.B = append(w.B, name...)
	for i := 0; i+1 < len(labels); i += 2 {
		if i == 0 {
			w.B = append(w.B, '{')
		} else {
			w.B = append(w.B, ',')
		}
		w.B = append(w.B, labels[i]...)
		w.B = append(w.B, `="`...)
		w.B = append(w.B, labelEscaper.Replace(labels[i+1])...)
		w.B = append(w.B, '"')
	}
	if len(labels) > 1 {
		w.B = append(w.B, '}')
	}
	w.B = append(w.B, ' ')
	w.B = strconv.AppendFloat(w.B, v, 'g', -1, 64)
	w.B = append(w.B, '\n')
}

// Histogram counts durations into fixed buckets; it is safe for concurrent
// use and Observe does not allocate.
type Histogram struct {
	bounds []time.Duration
	counts []atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sum    atomic.Int64    // nanoseconds
}

// NewHistogram returns a histogram with the given ascending upper bounds.
func NewHistogram(bounds ...time.Duration) *Histogram {
	return &Histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// Observe counts one duration.
func (h *Histogram) Observe(d time.Duration) {
	i := 0
	for i < len(h.bounds) && d > h.bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

// Count returns how many durations were observed.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Histogram writes h as the _bucket, _sum and _count samples of name (in
// seconds), with labels added to each.
func (w *Writer) Histogram(name string, h *Histogram, labels ...string) {
	le := append(labels[:len(labels):len(labels)], "le", "")
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i].Load()
		le[len(le)-1] = strconv.FormatFloat(b.Seconds(), 'g', -1, 64)
		w.Sample(name+"_bucket", float64(cum), le...)
	}
	cum += h.counts[len(h.bounds)].Load()
	le[len(le)-1] = "+Inf"
	w.Sample(name+"_bucket", float64(cum), le...)
	w.Sample(name+"_sum", time.Duration(h.sum.Load()).Seconds(), labels...)
	w.Sample(name+"_count", float64(cum), labels...)
}

// Bool is 1 for true and 0 for false, for gauges.
func Bool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// AdminMux serves a server's private endpoints: GET /healthz, 200 "ok"
// while healthy returns nil and 503 with its error otherwise, and GET
// /metrics, what metrics writes.
func AdminMux(healthy func() error, metrics func(io.Writer) error) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := healthy(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprintln(w, err)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		_ = metrics(w)
	})
	return mux
}
