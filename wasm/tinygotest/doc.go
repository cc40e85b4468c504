// Package tinygotest runs the shared conformance tables against
// bin/validator-tinygo.wasm, the TinyGo build of wasm/cmd/validator, in the
// Go host of package edge: once with the host's native signature
// verification and once with the guest verifying signatures itself (TinyGo's
// compilation of the standard library's crypto), plus the Wycheproof
// signature vectors in the guest and a check that the module grows its heap
// at load.
//
// The module is bin/validator-tinygo.wasm, or the file
// TOLLGATE_TINYGO_WASM names. Without it the tests skip, unless
// TOLLGATE_REQUIRE_TINYGO is set (make test sets it), which makes a missing
// module a failure.
package tinygotest
