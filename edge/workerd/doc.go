// Package workerd runs Tollgate's Cloudflare Worker (package
// [github.com/tollgate/tollgate/edge/worker]) locally on workerd, the
// open-source runtime behind Cloudflare Workers, the same way `edge proxy`
// runs validator.wasm on wazero: same policy document, same answers.
//
// # What Run does
//
// [Run] checks the policy, writes a workerd configuration ([WriteConfig]: a
// capnp file, the worker's modules, validator.wasm and the bindings) into a
// temporary directory, opens the listening socket and hands it to
// `workerd serve` (--socket-fd), then waits until its context ends or
// workerd exits.
//
// The generated configuration has one worker service with the modules of
// package worker (worker.mjs first) and validator.wasm (a wasm module), the
// text bindings POLICY and UPSTREAM, and a network service
// for all its outbound fetches (origin, jwks_url, revocations_url) that may
// reach public, private and loopback addresses: workerd's default
// `internet` service refuses anything but public ones.
//
// # The workerd binary
//
// workerd comes from npm: scripts/install-workerd.sh installs an exact
// version of the `workerd` package under node_modules/.workerd at the
// repository root. [FindBinary] looks there, in node_modules/@cloudflare, in
// $TOLLGATE_WORKERD and on $PATH.
//
// # Clock
//
// The worker passes the request's time (Unix seconds, Date.now()) to the
// guest. workerd's clock stands still during a request and advances between
// requests, which is all token validation needs. Tests replace it per request
// with [Options.InsecureNowHeader].
package workerd
