// Command httpwasm is Tollgate's token validator as an http-wasm guest: a
// WASI preview1 reactor that implements the http_handler host ABI
// (https://http-wasm.io/http-handler-abi/) on top of the validation core,
// for Traefik v3 plugins and any host built on http-wasm-host-go.
//
// Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/httpwasm.wasm ./wasm/cmd/httpwasm
//
// # Contract
//
// The guest configuration (get_config) is the policy document of DESIGN.md.
// It is parsed strictly when the host instantiates the module; an invalid
// policy is logged and fails the instantiation, so the host refuses the
// middleware instead of serving with it.
//
// The http-wasm ABI gives a guest no HTTP client, so the guest cannot fetch
// jwks_url or revocations_url. Keys come from the policy's inline jwks and,
// when the environment variable TOLLGATE_JWKS_FILE names a file in the
// guest's file system (a host directory the host mounts), from that JWKS
// document; TOLLGATE_REVOCATIONS_FILE names a revocation feed the same way.
// The files are read at start and checked for changes every refresh_seconds;
// a file that cannot be read or parsed is logged and the previous keys or
// revocations stay.
//
// Per request (handle_request) the guest removes every incoming X-Auth-*
// request header, then
//
//   - allows a request with a valid token: it sets X-Auth-Subject,
//     X-Auth-Client-Id and X-Auth-Scope and lets the host call the next
//     handler;
//   - answers everything else itself, as DESIGN.md's edge responses say:
//     400, 401 or 403 with WWW-Authenticate (RFC 6750 §3), and no body.
//     Several Authorization headers are a malformed request (400).
//
// The host's wall clock is the validation clock: hosts must give the module
// a real one (wazero: WithSysWalltime; http-wasm-host-go's default module
// configuration has wazero's fixed 2022 clock), and call _initialize
// (wazero: WithStartFunctions("_initialize")).
//
// The guest never traps on request input: http-wasm-host-go returns a
// trapped instance to its pool, where it would fail every later request.
// Inputs beyond the guest's limits get 431 (headers) or 414 (URI).
package main

// main is never run: a c-shared wasip1 build is a reactor.
func main() {}
