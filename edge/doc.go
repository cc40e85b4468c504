// Package edge is Tollgate's Go host for the token validator: it runs
// validator.wasm (see wasm/ABI.md) in [github.com/tetratelabs/wazero] and puts
// it in front of HTTP handlers.
//
// # Overview
//
// [New] compiles the module once (with a compilation cache on disk, so a
// restart skips code generation; [Compile] and Options.Compiled share one
// [Module] between Hosts), instantiates a pool of instances (a wazero
// instance is single-threaded; the pool defaults to GOMAXPROCS instances)
// and configures each with the policy document. A [Host] is safe for
// concurrent use: [Host.Authorize] borrows an instance, brings its keys and
// revocations up to date, validates, and returns it. A [Decision] reused by
// the caller makes the cached path allocation-free, host and guest.
//
// Every rule is applied inside the guest. The one thing the host does for
// it is the signature check of an uncached token: the guest imports
// tollgate.verify_signature and the host answers it with the same
// validator.VerifySignature, natively, 10–25× faster than the guest's
// WebAssembly build of it ([Options.GuestCrypto] turns this off).
//
// # Keys and revocations
//
// When the policy names a jwks_url, the host fetches it with If-None-Match and
// refetches when the response's Cache-Control max-age runs out, clamped to
// [Options.MinRefresh, Options.MaxRefresh]. A token whose kid is unknown
// triggers at most one extra fetch per [Options.UnknownKeyInterval], so random
// kids cannot turn into a fetch storm. A revocations_url is polled the same
// way. Each update gets a new generation number; an instance compares its
// generation before every validation and loads the new document first, so an
// update reaches every instance before its next request. When the issuer is
// unreachable the host keeps the last good documents, logs the failure and
// reports it in the metrics (tollgate_edge_fetch_stale).
//
// # HTTP
//
// [Host.Handler] (net/http) and [Host.FastHTTP] (fasthttp) answer as
// DESIGN.md's edge responses say: a request with a valid token goes on to the
// next handler with X-Auth-Subject, X-Auth-Client-Id and X-Auth-Scope set and
// every incoming X-Auth-* header removed; otherwise the middleware answers
// 400, 401 or 403 with an RFC 6750 WWW-Authenticate challenge.
// [Host.WriteMetrics] writes the Prometheus text exposition.
//
// # Module
//
// By default the host runs the validator.wasm embedded at build time from
// edge/embed/validator.wasm, which `make wasm` places there. A build without it
// (a fresh clone before `make wasm`) still compiles; [New] then needs
// [Options.Module] or [Options.ModulePath] and otherwise fails with
// [ErrNoModule]. Any module implementing the ABI works, such as
// validator-tinygo.wasm.
package edge
