// Package resultsfmt is the format of the results file of `make bench`
// (bench/results/<UTC time>.json): the types package bench writes and the
// report generator (bench/cmd/report, a module of its own) reads. It
// imports only the standard library, so the report can import it without
// carrying Tollgate's dependencies; package bench re-exports its types
// under their old names.
package resultsfmt

import (
	"slices"
	"time"
)

// SchemaVersion is the version of the results file format; the report
// generator refuses files of another version.
const SchemaVersion = 1

// Results is one `make bench` run, written to bench/results/<UTC time>.json
// and read by the report generator (bench/cmd/report). Latencies are in
// microseconds unless a field says otherwise.
type Results struct {
	Schema   int       `json:"schema"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Machine  Machine   `json:"machine"`
	// Commands are the exact commands the run executed, in order.
	Commands []string `json:"commands"`

	Modules     []Module      `json:"modules"`
	Go          GoResults     `json:"go"`
	Proxy       []ProxyRun    `json:"proxy"`
	Issuers     []IssuerRun   `json:"issuers"`
	IssuerStore StoreCheck    `json:"issuer_store"`
	CodeFlow    CodeFlowStats `json:"code_flow"`
	// Notes are caveats the run detected (a peer that failed to start, a
	// skipped section).
	Notes []string `json:"notes,omitempty"`
}

// GoResults are the Go benchmarks (package bench): validation, raw
// signature checks, the guest's allocations, module start and memory.
type GoResults struct {
	Command string `json:"command"`
	// Rounds is the number of interleaved rounds: run i of every
	// benchmark comes from round i.
	Rounds     int           `json:"rounds"`
	Output     string        `json:"output"` // raw `go test` output: benchstat's input
	Benchmarks []GoBenchmark `json:"benchmarks"`
	Skipped    []GoSkip      `json:"skipped,omitempty"`
}

// ProxyRun is one closed-loop load run for the proxy latency comparison.
type ProxyRun struct {
	// Name is "direct" (the upstream alone), "relay" (a byte relay that
	// does not read HTTP: the extra hop alone), "passthrough" (a reverse
	// proxy without authorization: the hop plus HTTP forwarding),
	// "edge-cached" (edge proxy, one token, answered from the
	// verified-token cache) or "edge-uncached" (edge proxy, a different
	// token per request, each verified in full).
	Name    string  `json:"name"`
	Conns   int     `json:"conns"`
	Tokens  int     `json:"tokens"` // distinct tokens cycled through
	Latency Latency `json:"latency"`
	// CacheHits and CacheMisses are the edge's counters over the run
	// (from its /metrics), confirming cached and uncached really were.
	CacheHits   float64 `json:"cache_hits"`
	CacheMisses float64 `json:"cache_misses"`
}

// IssuerRun is one token endpoint under wrk: Tollgate's issuer or a peer.
// The servers run side by side and take turns: round i of every server
// ran in the same stretch of time.
type IssuerRun struct {
	Server     string      `json:"server"`  // "tollgate", "fosite", "oidc-provider"
	Version    string      `json:"version"` // the peer's pinned version
	Command    string      `json:"command"` // how the server was started
	TokenBytes int         `json:"token_bytes"`
	Rounds     []WrkResult `json:"rounds"`
	Error      string      `json:"error,omitempty"` // the peer could not be measured
}

// StoreCheck compares the issuer's bbolt file before its first and after
// its last measured client_credentials wrk run.
type StoreCheck struct {
	Before   BoltState `json:"before"`
	After    BoltState `json:"after"`
	Requests int       `json:"requests"`
}

// CodeFlowStats are the medians of repeated authorization code + PKCE
// flows against `issuer serve`, in microseconds.
type CodeFlowStats struct {
	Runs       int     `json:"runs"`
	LoginUS    float64 `json:"login_us"`
	ConsentUS  float64 `json:"consent_us"`
	ExchangeUS float64 `json:"exchange_us"`
	TotalUS    float64 `json:"total_us"`
	Error      string  `json:"error,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPU         string `json:"cpu"` // model name from /proc/cpuinfo
	Cores       int    `json:"cores"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	MemTotalMiB int    `json:"mem_total_mib"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	Kernel      string `json:"kernel"`
	Go          string `json:"go"`
	Node        string `json:"node,omitempty"`
	// LoadAvgStart and LoadAvgEnd are /proc/loadavg's 1, 5 and 15 minute
	// load averages when the run started and ended: other work on a
	// shared machine shows here.
	LoadAvgStart string `json:"loadavg_start,omitempty"`
	LoadAvgEnd   string `json:"loadavg_end,omitempty"`
	Wrk          string `json:"wrk,omitempty"`
}

// Module is a validator module build the run measured.
type Module struct {
	Name      string `json:"name"` // "standard" (validator.wasm) or "tinygo"
	Source    string `json:"source"`
	Bytes     int    `json:"bytes"`
	GzipBytes int    `json:"gzip_bytes"`
	SHA256    string `json:"sha256"`
}

// Latency summarises a load run. Durations are in microseconds.
type Latency struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`  // transport errors
	Non2xx   int     `json:"non_2xx"` // answers other than 2xx
	Seconds  float64 `json:"seconds"` // measured window
	RPS      float64 `json:"rps"`
	MeanUS   float64 `json:"mean_us"`
	P50US    float64 `json:"p50_us"`
	P90US    float64 `json:"p90_us"`
	P99US    float64 `json:"p99_us"`
	P999US   float64 `json:"p999_us"`
	MaxUS    float64 `json:"max_us"`
	// ServerCPUUS is the answering process's CPU time (user + system, all
	// threads) per recorded request, when the load knew its pid.
	ServerCPUUS float64 `json:"server_cpu_us,omitempty"`
}

// WrkResult is what wrk reports. Latencies are in microseconds; wrk's
// latency distribution reports 50, 75, 90 and 99 %.
type WrkResult struct {
	Command  string  `json:"command"`
	Script   string  `json:"script,omitempty"` // the Lua request script, credentials redacted
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
	Output   string  `json:"output"`
}

// GoBenchmark is one benchmark's results over every -count run: each run's
// value per unit ("ns/op", "B/op", "allocs/op" and custom metrics such as
// "guest-allocs/op").
type GoBenchmark struct {
	Name string               `json:"name"` // without the -GOMAXPROCS suffix
	Runs []map[string]float64 `json:"runs"`
}

// Median returns the median over the runs of unit, and false when no run
// reported it.
func (b *GoBenchmark) Median(unit string) (float64, bool) {
	var vs []float64
	for _, r := range b.Runs {
		if v, ok := r[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	return Median(vs), true
}

// GoSkip is a benchmark that skipped, with its reason.
type GoSkip struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// BoltState is what shows whether a bbolt database was written: its file
// size and the id of its last committed write transaction. Every
// committed read-write transaction increments the txid (read-only ones do
// not), so an unchanged txid means nothing was written.
type BoltState struct {
	Size int64  `json:"size"`
	Txid uint64 `json:"txid"`
}

// Median returns the median of vs (the mean of the middle two for an even
// count, 0 when empty); vs is not modified.
func Median(vs []float64) float64 {
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
