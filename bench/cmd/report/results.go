package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// schemaVersion is the results format this generator reads
// (bench.SchemaVersion in package bench).
const schemaVersion = 1

// The types below mirror package bench's Results for decoding. This
// module is separate from Tollgate's (it needs gonum/plot, which the main
// go.mod should not carry), so it reads the JSON contract rather than
// importing the package.

type results struct {
	Schema      int           `json:"schema"`
	Started     time.Time     `json:"started"`
	Finished    time.Time     `json:"finished"`
	Machine     machine       `json:"machine"`
	Commands    []string      `json:"commands"`
	Modules     []module      `json:"modules"`
	Go          goResults     `json:"go"`
	Proxy       []proxyRun    `json:"proxy"`
	Issuers     []issuerRun   `json:"issuers"`
	IssuerStore storeCheck    `json:"issuer_store"`
	CodeFlow    codeFlowStats `json:"code_flow"`
	Notes       []string      `json:"notes"`

	path string // the file it was read from
}

type machine struct {
	CPU          string `json:"cpu"`
	Cores        int    `json:"cores"`
	GOMAXPROCS   int    `json:"gomaxprocs"`
	MemTotalMiB  int    `json:"mem_total_mib"`
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	Kernel       string `json:"kernel"`
	Go           string `json:"go"`
	Node         string `json:"node"`
	Wrk          string `json:"wrk"`
	LoadAvgStart string `json:"loadavg_start"`
	LoadAvgEnd   string `json:"loadavg_end"`
}

type module struct {
	Name      string `json:"name"`
	Source    string `json:"source"`
	Bytes     int    `json:"bytes"`
	GzipBytes int    `json:"gzip_bytes"`
	SHA256    string `json:"sha256"`
}

type goResults struct {
	Command    string        `json:"command"`
	Rounds     int           `json:"rounds"`
	Output     string        `json:"output"`
	Benchmarks []goBenchmark `json:"benchmarks"`
	Skipped    []goSkip      `json:"skipped"`
}

type goBenchmark struct {
	Name string               `json:"name"`
	Runs []map[string]float64 `json:"runs"`
}

type goSkip struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type latency struct {
	Requests int     `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	MeanUS   float64 `json:"mean_us"`
	P50US    float64 `json:"p50_us"`
	P90US    float64 `json:"p90_us"`
	P99US    float64 `json:"p99_us"`
	P999US   float64 `json:"p999_us"`
	MaxUS    float64 `json:"max_us"`
	// ServerCPUUS is the answering process's CPU per request (0: not
	// measured, e.g. results files from before it was).
	ServerCPUUS float64 `json:"server_cpu_us"`
}

type proxyRun struct {
	Name        string  `json:"name"`
	Conns       int     `json:"conns"`
	Tokens      int     `json:"tokens"`
	Latency     latency `json:"latency"`
	CacheHits   float64 `json:"cache_hits"`
	CacheMisses float64 `json:"cache_misses"`
}

type wrkResult struct {
	Command  string  `json:"command"`
	Script   string  `json:"script"`
	Requests int     `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	Non2xx   int     `json:"non_2xx"`
	Errors   int     `json:"socket_errors"`
	MeanUS   float64 `json:"mean_us"`
	P50US    float64 `json:"p50_us"`
	P75US    float64 `json:"p75_us"`
	P90US    float64 `json:"p90_us"`
	P99US    float64 `json:"p99_us"`
	MaxUS    float64 `json:"max_us"`
}

type issuerRun struct {
	Server     string      `json:"server"`
	Version    string      `json:"version"`
	Command    string      `json:"command"`
	TokenBytes int         `json:"token_bytes"`
	Rounds     []wrkResult `json:"rounds"`
	Error      string      `json:"error"`
}

// stat returns the median over the rounds of f.
func (is *issuerRun) stat(f func(*wrkResult) float64) float64 {
	vs := make([]float64, len(is.Rounds))
	for i := range is.Rounds {
		vs[i] = f(&is.Rounds[i])
	}
	return medianOf(vs)
}

// rps is the median tokens per second over the rounds (0: not measured).
func (is *issuerRun) rps() float64 { return is.stat(func(w *wrkResult) float64 { return w.RPS }) }

type boltState struct {
	Size int64  `json:"size"`
	Txid uint64 `json:"txid"`
}

type storeCheck struct {
	Before   boltState `json:"before"`
	After    boltState `json:"after"`
	Requests int       `json:"requests"`
}

type codeFlowStats struct {
	Runs       int     `json:"runs"`
	LoginUS    float64 `json:"login_us"`
	ConsentUS  float64 `json:"consent_us"`
	ExchangeUS float64 `json:"exchange_us"`
	TotalUS    float64 `json:"total_us"`
	Error      string  `json:"error"`
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
	if r.Schema != schemaVersion {
		return nil, fmt.Errorf("%s: schema %d, this report reads %d", path, r.Schema, schemaVersion)
	}
	r.path = path
	return &r, nil
}

// bench returns the benchmark named name, or nil.
func (r *results) bench(name string) *goBenchmark {
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
	return medianOf(vs), len(vs) > 0
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
		return medianOf(a) / medianOf(b), true
	}
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = a[i] / b[i]
	}
	return medianOf(rs), true
}

// medianOf returns the median of vs (0 when empty); vs is not modified.
func medianOf(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
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
func (r *results) proxy(name string, conns int) *proxyRun {
	for i := range r.Proxy {
		if r.Proxy[i].Name == name && r.Proxy[i].Conns == conns {
			return &r.Proxy[i]
		}
	}
	return nil
}

// issuer returns the issuer run of server, or nil.
func (r *results) issuer(server string) *issuerRun {
	for i := range r.Issuers {
		if r.Issuers[i].Server == server {
			return &r.Issuers[i]
		}
	}
	return nil
}

// module returns the module build called name, or nil.
func (r *results) module(name string) *module {
	for i := range r.Modules {
		if r.Modules[i].Name == name {
			return &r.Modules[i]
		}
	}
	return nil
}
