// Package tinygotest runs the shared conformance tables against
// bin/validator-tinygo.wasm, the TinyGo build of wasm/cmd/validator, in the
// Go host of package edge: once with the host's native signature
// verification and once with the guest verifying signatures itself (TinyGo's
// compilation of the standard library's crypto). The raw-ABI tests, the
// Wycheproof vectors, the heap reserve check and the guest benchmarks run
// against every build, this one included, in wasm/cmd/validator.
//
// The module is bin/validator-tinygo.wasm, or the file
// TOLLGATE_TINYGO_WASM names. Without it the tests skip, unless
// TOLLGATE_REQUIRE_TINYGO is set (make test sets it), which makes a missing
// module a failure.
package tinygotest
