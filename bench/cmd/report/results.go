package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/tollgate/tollgate/bench/resultsfmt"
)

// results is one results file: the format of package
// github.com/tollgate/tollgate/bench/resultsfmt, which package bench
// writes, and where it was read from.
type results struct {
	resultsfmt.Results

	path string // the file it was read from
}

// issuerStat returns the median over the rounds of is of f.
func issuerStat(is *resultsfmt.IssuerRun, f func(*resultsfmt.WrkResult) float64) float64 {
	vs := make([]float64, len(is.Rounds))
	for i := range is.Rounds {
		vs[i] = f(&is.Rounds[i])
	}
	return resultsfmt.Median(vs)
}

// issuerRPS is the median tokens per second over the rounds of is (0: not
// measured).
func issuerRPS(is *resultsfmt.IssuerRun) float64 {
	return issuerStat(is, func(w *resultsfmt.WrkResult) float64 { return w.RPS })
}

// readResults reads one results file.
func readResults(path string) (*results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Schema != resultsfmt.SchemaVersion {
		return nil, fmt.Errorf("%s: schema %d, this report reads %d", path, r.Schema, resultsfmt.SchemaVersion)
	}
	r.path = path
	return &r, nil
}

// bench returns the benchmark named name, or nil.
func (r *results) bench(name string) *resultsfmt.GoBenchmark {
	for i := range r.Go.Benchmarks {
		if r.Go.Benchmarks[i].Name == name {
			return &r.Go.Benchmarks[i]
		}
	}
	return nil
}

// values returns unit over the named benchmark's runs, in run order.
func (r *results) values(name, unit string) []float64 {
	b := r.bench(name)
	if b == nil {
		return nil
	}
	var vs []float64
	for _, run := range b.Runs {
		if v, ok := run[unit]; ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// median returns the median of unit over the named benchmark's runs.
func (r *results) median(name, unit string) (float64, bool) {
	vs := r.values(name, unit)
	return resultsfmt.Median(vs), len(vs) > 0
}

// ratio returns num ÷ den for a unit of two benchmarks. Run i of every
// benchmark comes from the same interleaved round, so when both have the
// same number of runs the ratio is the median of the per-round ratios,
// which cancels drift in the machine's speed between rounds; otherwise it
// is the ratio of the medians.
func (r *results) ratio(num, den, unit string) (float64, bool) {
	a, b := r.values(num, unit), r.values(den, unit)
	if len(a) == 0 || len(b) == 0 {
		return 0, false
	}
	if len(a) != len(b) {
		return resultsfmt.Median(a) / resultsfmt.Median(b), true
	}
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = a[i] / b[i]
	}
	return resultsfmt.Median(rs), true
}

// skipReason returns why the named benchmark (or a parent) was skipped.
func (r *results) skipReason(name string) string {
	for _, s := range r.Go.Skipped {
		if s.Name == name || len(name) > len(s.Name) && name[:len(s.Name)+1] == s.Name+"/" {
			return s.Reason
		}
	}
	return ""
}

// proxy returns the proxy run for name at conns, or nil.
func (r *results) proxy(name string, conns int) *resultsfmt.ProxyRun {
	for i := range r.Proxy {
		if r.Proxy[i].Name == name && r.Proxy[i].Conns == conns {
			return &r.Proxy[i]
		}
	}
	return nil
}

// issuer returns the issuer run of server, or nil.
func (r *results) issuer(server string) *resultsfmt.IssuerRun {
	for i := range r.Issuers {
		if r.Issuers[i].Server == server {
			return &r.Issuers[i]
		}
	}
	return nil
}

// module returns the module build called name, or nil.
func (r *results) module(name string) *resultsfmt.Module {
	for i := range r.Modules {
		if r.Modules[i].Name == name {
			return &r.Modules[i]
		}
	}
	return nil
}
