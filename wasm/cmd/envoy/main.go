// Command envoy is Tollgate's token validator as a proxy-wasm HTTP filter for
// Envoy ≥ 1.33 (envoy.filters.http.wasm, runtime envoy.wasm.runtime.v8),
// built with standard Go on github.com/proxy-wasm/proxy-wasm-go-sdk:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/envoy.wasm ./wasm/cmd/envoy
//
// It runs the validation core of package
// [github.com/tollgate/tollgate/wasm/validator]; examples/envoy/envoy.yaml
// and `edge envoy-config --policy FILE` show the Envoy configuration.
//
// # Configuration
//
// The plugin configuration (a google.protobuf.StringValue) is DESIGN.md's
// policy document. A policy that does not parse makes the plugin fail to
// start, so Envoy rejects the configuration instead of serving without it.
// Keys come from the policy's inline jwks and from jwks_url, fetched with
// DispatchHttpCall through the Envoy cluster named by jwks_cluster (default
// [defaultCluster]); revocations_url is polled the same way through
// revocations_cluster (default: the JWKS cluster). Both are fetched when the
// plugin starts and then every refresh_seconds, with If-None-Match; a failed
// fetch, a non-200 answer or a document the core rejects keeps the last good
// one and is retried with backoff (1 s doubling to 60 s). A token whose kid
// is unknown brings the next JWKS fetch forward, at most once per
// [unknownKeyInterval].
//
// # Requests
//
// For each request the filter reads the whole request header map, because
// reading one header returns only the first value: two Authorization headers
// get 400 invalid_request (so does one Envoy joined with a comma). Every
// incoming X-Auth-* header (also spelled with underscores) is removed. The
// token, :method, :path and the time from the host's clock (WASI
// clock_time_get, which Envoy serves from its real clock) go to the core.
// A request it allows continues with X-Auth-Subject, X-Auth-Client-Id and
// X-Auth-Scope set; any other gets a local reply with DESIGN.md's edge
// responses: 401 and `WWW-Authenticate: Bearer realm="…"` without a token,
// 400 invalid_request, 401 invalid_token with error_description, 403
// insufficient_scope with scope.
//
// # Threads and failures
//
// Envoy runs one VM per worker thread, and each VM has its own plugin
// context, Validator and fetches: nothing is shared, nothing is locked. No
// input makes the filter trap: every callback recovers from panics; a request
// that hits one gets 503 and the VM keeps serving.
package main

import (
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

// main is never run: a c-shared wasip1 build is a reactor, and Envoy calls
// _initialize and then the proxy_on_* exports.
func main() {}

func init() { proxywasm.SetVMContext(&vm{}) }

// vm is the VM context: one plugin context per plugin configuration.
type vm struct{ types.DefaultVMContext }

// NewPluginContext implements types.VMContext.
func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }
