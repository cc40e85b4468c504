// Command validator is Tollgate's token validator built as a WebAssembly
// module: a WASI preview1 reactor that exports the tg_ functions specified
// in wasm/ABI.md and runs the validation core of package
// [github.com/tollgate/tollgate/wasm/validator].
//
// Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/validator.wasm ./wasm/cmd/validator
//
// # Contract
//
// A host instantiates the module, calls _initialize once, then tg_configure
// with the policy document, optionally tg_set_keys and tg_set_revocations,
// and then tg_authorize or tg_validate once per request. The host passes the
// current Unix time into every validation: the guest never reads its own clock
// for exp, nbf or iat.
//
// No input makes the module trap: every export recovers from panics and
// reports them as a negative status, and every pointer the host passes must
// lie inside a buffer the guest handed out (tg_scratch or tg_alloc), or the
// call is refused with status -2 before any memory is read.
//
// An instance is single-threaded, like every WebAssembly instance: hosts that
// serve concurrent requests keep a pool of instances.
package main

// main is never run: a c-shared wasip1 build is a reactor, and hosts call
// _initialize and then the tg_ exports.
func main() {}
