// Package envoyconfig renders an Envoy (≥ 1.33) bootstrap configuration that
// runs Tollgate's proxy-wasm filter, envoy.wasm (wasm/cmd/envoy), in front of
// one upstream: `edge envoy-config --policy FILE` prints it, and
// examples/envoy/envoy.yaml is its output for examples/envoy/policy.json.
//
// # What it renders
//
// One listener whose http_connection_manager runs envoy.filters.http.wasm
// (runtime envoy.wasm.runtime.v8, code from a local file, plugin
// configuration = the policy document as a google.protobuf.StringValue) and
// then the router; a cluster for the upstream; and one cluster per issuer
// origin the filter fetches from (jwks_url, revocations_url), named as the
// policy's jwks_cluster and revocations_cluster say, or [DefaultCluster].
// https origins get TLS with SNI and certificate verification against
// [Options.TrustedCA].
//
// The connection manager normalizes paths (normalize_path, merge_slashes), so
// the filter's routes and the upstream see the same path, and drops headers
// with underscores, which CGI-style upstreams would read as X-Auth-* headers.
//
// The output is YAML; the policy is embedded as written (whitespace aside),
// in a literal block scalar. Envoy is not installed where Tollgate is built and tested: the
// tests parse the output and check the structure Envoy needs, and run the
// embedded plugin configuration through envoy.wasm in the proxy-wasm SDK's
// host emulator (wasm/envoytest).
package envoyconfig
