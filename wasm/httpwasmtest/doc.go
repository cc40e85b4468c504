// Package httpwasmtest tests bin/httpwasm.wasm (wasm/cmd/httpwasm) in
// github.com/http-wasm/http-wasm-host-go, the wazero-based host Traefik
// embeds, as net/http middleware: the shared conformance tables
// (conformance.RunHTTP), hostile input followed by good requests on the same
// pool, the host pitfalls (clock, _initialize, a trapped instance returned to
// the pool), key and revocation files, and concurrent use.
//
// The tests build the module from source unless TOLLGATE_HTTPWASM_WASM names
// a prebuilt one (make test passes bin/httpwasm.wasm).
package httpwasmtest
