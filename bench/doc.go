// Package bench measures what Tollgate costs per request and per token,
// side by side with what users would run instead, and holds the pieces
// the benchmark driver (bench/cmd/bench) is built from.
//
// # Benchmarks
//
// `go test ./bench -run '^$' -bench Validate -benchmem` runs
// BenchmarkValidate/<impl>/<alg>/<cached|uncached> over tokens minted by a
// real issuer in process ([Fixture]): impl is native (the validation core
// in Go), wazero (validator.wasm in the edge host, host crypto import),
// wazero-guestcrypto (the guest's own crypto), wazero-tinygo
// (validator-tinygo.wasm; skipped until built), golang-jwt (v5, strict
// parser) or jwx (v3); alg is RS256, PS256, ES256 or EdDSA.
// BenchmarkRawVerify/<alg> is the standard library's signature check
// alone. BenchmarkGuestCached drives the guest through the raw ABI
// ([Guest]) to count its own heap allocations, and BenchmarkModuleStart
// measures start time and memory per pooled instance.
//
// # Load and servers
//
// [Load] is a closed-loop HTTP load generator that records latency
// percentiles ([Latency]); [Wrk] runs and parses wrk; [Process] starts and
// stops the servers under test; [ReadBoltState] tells from a bbolt file's
// meta pages whether anything was committed; [CodeFlow] drives the
// authorization code + PKCE flow over HTTP like a browser.
//
// # Results
//
// The driver writes one [Results] document per run to
// bench/results/<UTC time>.json; bench/cmd/report (a module of its own,
// for gonum/plot) turns the newest one into bench/REPORT.md with plots and
// a benchstat comparison against the previous run. `make bench` does all
// of it through scripts/bench.sh.
package bench
