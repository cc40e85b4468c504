package envoyconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

var update = flag.Bool("update", false, "rewrite examples/envoy/envoy.yaml")

// Envoy type URLs the configuration must carry.
const (
	typeHCM    = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	typeWasm   = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"
	typeString = "type.googleapis.com/google.protobuf.StringValue"
	typeRouter = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
	typeTLS    = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
)

// node walks a parsed YAML document; a missing step fails the test.
type node struct {
	t    *testing.T
	path string
	v    any
}

func (n node) get(steps ...any) node {
	n.t.Helper()
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := n.v.(map[string]any)
			if !ok {
				n.t.Fatalf("%s is not a mapping", n.path)
			}
			if n.v, ok = m[k]; !ok {
				n.t.Fatalf("%s has no %q", n.path, k)
			}
			n.path += "." + k
		case int:
			a, ok := n.v.([]any)
			if !ok || k >= len(a) {
				n.t.Fatalf("%s has no item %d", n.path, k)
			}
			n.v = a[k]
			n.path += "[" + strconv.Itoa(k) + "]"
		}
	}
	return n
}

func (n node) str(steps ...any) string {
	n.t.Helper()
	n = n.get(steps...)
	s, ok := n.v.(string)
	if !ok {
		n.t.Fatalf("%s = %#v, not a string", n.path, n.v)
	}
	return s
}

func (n node) list(steps ...any) []any {
	n.t.Helper()
	n = n.get(steps...)
	a, ok := n.v.([]any)
	if !ok {
		n.t.Fatalf("%s = %#v, not a list", n.path, n.v)
	}
	return a
}

func (n node) is(want any, steps ...any) {
	n.t.Helper()
	if n = n.get(steps...); n.v != want {
		n.t.Errorf("%s = %#v, want %#v", n.path, n.v, want)
	}
}

// endpoint is what a test expects of a cluster.
type endpoint struct {
	host string
	port int
	tls  bool
}

// checkEnvoy parses out and checks the structure Envoy ≥ 1.33 needs:
// listener → http_connection_manager → envoy.filters.http.wasm (v8, local
// code wasmPath, the policy as a StringValue) → router; the route's cluster
// and the clusters named in want defined with their endpoints. It returns
// the plugin configuration.
func checkEnvoy(t *testing.T, out []byte, wasmPath string, want map[string]endpoint) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out)
	}
	root := node{t: t, path: "config", v: doc}
	root.get("admin", "address", "socket_address", "port_value")

	hcm := root.get("static_resources", "listeners", 0, "filter_chains", 0, "filters", 0)
	hcm.is("envoy.filters.network.http_connection_manager", "name")
	hcm = hcm.get("typed_config")
	hcm.is(typeHCM, "@type")
	hcm.is(true, "normalize_path")
	hcm.is(true, "merge_slashes")
	hcm.is("DROP_HEADER", "common_http_protocol_options", "headers_with_underscores_action")

	filters := hcm.list("http_filters")
	wasm := hcm.get("http_filters", 0)
	wasm.is("envoy.filters.http.wasm", "name")
	wasm.is(typeWasm, "typed_config", "@type")
	plugin := wasm.get("typed_config", "config")
	plugin.is("envoy.wasm.runtime.v8", "vm_config", "runtime")
	plugin.is(wasmPath, "vm_config", "code", "local", "filename")
	plugin.is(typeString, "configuration", "@type")
	conf := plugin.str("configuration", "value")
	router := hcm.get("http_filters", len(filters)-1)
	router.is("envoy.filters.http.router", "name")
	router.is(typeRouter, "typed_config", "@type")

	clusters := map[string]node{}
	for i := range root.list("static_resources", "clusters") {
		c := root.get("static_resources", "clusters", i)
		name := c.str("name")
		if _, dup := clusters[name]; dup {
			t.Errorf("cluster %q defined twice", name)
		}
		clusters[name] = c
		c.is(name, "load_assignment", "cluster_name")
	}
	route := hcm.str("route_config", "virtual_hosts", 0, "routes", 0, "route", "cluster")
	if _, ok := clusters[route]; !ok {
		t.Errorf("route to undefined cluster %q", route)
	}
	if len(clusters) != len(want) {
		t.Errorf("%d clusters, want %d", len(clusters), len(want))
	}
	for name, w := range want {
		c, ok := clusters[name]
		if !ok {
			t.Errorf("no cluster %q", name)
			continue
		}
		sock := c.get("load_assignment", "endpoints", 0, "lb_endpoints", 0, "endpoint", "address", "socket_address")
		sock.is(w.host, "address")
		sock.is(w.port, "port_value")
		if _, hasTLS := c.v.(map[string]any)["transport_socket"]; hasTLS != w.tls {
			t.Errorf("cluster %q: TLS %v, want %v", name, hasTLS, w.tls)
		} else if w.tls {
			tls := c.get("transport_socket", "typed_config")
			tls.is(typeTLS, "@type")
			tls.is(DefaultTrustedCA, "common_tls_context", "validation_context", "trusted_ca", "filename")
			tls.is(w.host, "common_tls_context", "validation_context", "match_typed_subject_alt_names", 0, "matcher", "exact")
		}
	}
	return conf
}

// sameJSON reports whether two JSON documents have the same value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// policyWith returns the tables' base policy with fields replaced (nil
// deletes).
func policyWith(t *testing.T, extra map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(conformance.BasePolicy(), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRender(t *testing.T) {
	upstream := endpoint{"127.0.0.1", 8080, false}
	issuer := endpoint{"issuer.example", 443, true}
	for _, tc := range []struct {
		name   string
		policy []byte
		opts   *Options
		want   map[string]endpoint
	}{
		{
			name:   "https issuer, default cluster",
			policy: conformance.BasePolicy(),
			want:   map[string]endpoint{UpstreamCluster: upstream, DefaultCluster: issuer},
		},
		{
			name: "feed on another origin, own cluster",
			policy: policyWith(t, map[string]any{
				"revocations_url": "http://10.0.0.7:9000/o/revoked", "revocations_cluster": "feed", "jwks_cluster": "keys",
			}),
			want: map[string]endpoint{UpstreamCluster: upstream, "keys": issuer, "feed": {"10.0.0.7", 9000, false}},
		},
		{
			name:   "same origin, two cluster names",
			policy: policyWith(t, map[string]any{"jwks_cluster": "keys", "revocations_cluster": "feed"}),
			want:   map[string]endpoint{UpstreamCluster: upstream, "keys": issuer, "feed": issuer},
		},
		{
			name:   "inline keys only",
			policy: policyWith(t, map[string]any{"jwks_url": nil, "revocations_url": nil, "jwks": json.RawMessage(conformance.PublicJWKS())}),
			want:   map[string]endpoint{UpstreamCluster: upstream},
		},
		{
			name: "strings YAML would misread",
			policy: policyWith(t, map[string]any{
				"issuer":    "https://issuer.example/o#: x\u007f\u0085\u2028\u00fc\U0001F600'\"\\",
				"audiences": []string{"a: b", "- c", "# d", "{e}", "|", "@f", "\ufeff"},
				"realm":     "r: # x",
			}),
			want: map[string]endpoint{UpstreamCluster: upstream, DefaultCluster: issuer},
		},
		{
			name:   "CRLF, tabs and surrounding space",
			policy: []byte("\r\n  " + strings.ReplaceAll(string(policyWith(t, nil)), "\n", "\r\n") + "\t\r\n"),
			want:   map[string]endpoint{UpstreamCluster: upstream, DefaultCluster: issuer},
		},
		{
			name:   "options",
			policy: conformance.BasePolicy(),
			opts:   &Options{Listen: "[::]:8443", Admin: "127.0.0.1:19000", Upstream: "https://[2001:db8::1]:9443/"},
			want:   map[string]endpoint{UpstreamCluster: {"2001:db8::1", 9443, true}, DefaultCluster: issuer},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const path = "/opt/tollgate/envoy.wasm"
			out, err := Render(tc.policy, path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			conf := checkEnvoy(t, out, path, tc.want)
			if _, err := validator.ParsePolicy([]byte(conf)); err != nil {
				t.Fatalf("the embedded policy does not parse: %v\n%s", err, conf)
			}
			if !sameJSON(t, []byte(conf), tc.policy) {
				t.Errorf("the embedded policy differs:\n%s\nwant\n%s", conf, tc.policy)
			}
		})
	}
}

func TestRenderOptions(t *testing.T) {
	out, err := Render(conformance.BasePolicy(), "envoy.wasm", &Options{
		Listen: "[::]:8443", Admin: "127.0.0.1:19000", Upstream: "https://[2001:db8::1]:9443", TrustedCA: "/etc/pki/ca.pem",
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	root := node{t: t, path: "config", v: doc}
	root.is("::", "static_resources", "listeners", 0, "address", "socket_address", "address")
	root.is(8443, "static_resources", "listeners", 0, "address", "socket_address", "port_value")
	root.is(19000, "admin", "address", "socket_address", "port_value")
	up := root.get("static_resources", "clusters", 0)
	up.is(UpstreamCluster, "name")
	up.is("STATIC", "type")
	tls := up.get("transport_socket", "typed_config")
	if _, ok := tls.v.(map[string]any)["sni"]; ok {
		t.Error("SNI set for an IP address")
	}
	tls.is("IP_ADDRESS", "common_tls_context", "validation_context", "match_typed_subject_alt_names", 0, "san_type")
	tls.is("/etc/pki/ca.pem", "common_tls_context", "validation_context", "trusted_ca", "filename")
	iss := root.get("static_resources", "clusters", 1)
	iss.is("STRICT_DNS", "type")
	iss.is("issuer.example", "transport_socket", "typed_config", "sni")
}

func TestRenderErrors(t *testing.T) {
	other := "https://other.example/o/revoked"
	for _, tc := range []struct {
		name     string
		policy   []byte
		wasmPath string
		opts     *Options
		want     error
	}{
		{"invalid policy", []byte(`{"issuer":"x"}`), "", nil, validator.ErrPolicy},
		{"unknown policy field", policyWith(t, map[string]any{"cluster": "x"}), "", nil, validator.ErrPolicy},
		{"bad inline key", policyWith(t, map[string]any{"jwks": map[string]any{"keys": []any{map[string]any{"kty": "EC"}}}}), "", nil, validator.ErrPolicy},
		{"feed elsewhere, default names", policyWith(t, map[string]any{"revocations_url": other}), "", nil, ErrClusterConflict},
		{"feed elsewhere, one explicit name", policyWith(t, map[string]any{"revocations_url": other, "jwks_cluster": "iss"}), "", nil, ErrClusterConflict},
		{"feed on another port", policyWith(t, map[string]any{"revocations_url": "https://issuer.example:8443/o/revoked"}), "", nil, ErrClusterConflict},
		{"feed over http", policyWith(t, map[string]any{"revocations_url": "http://issuer.example/o/revoked"}), "", nil, ErrClusterConflict},
		{"issuer on the upstream's cluster", policyWith(t, map[string]any{"jwks_cluster": UpstreamCluster}), "", nil, ErrClusterConflict},
		{"user info in jwks_url", policyWith(t, map[string]any{"jwks_url": "https://u:p@issuer.example/jwks"}), "", nil, ErrURL},
		{"upstream with a path", nil, "", &Options{Upstream: "http://127.0.0.1:8080/api"}, ErrURL},
		{"upstream not http", nil, "", &Options{Upstream: "ftp://127.0.0.1"}, ErrURL},
		{"upstream with user info", nil, "", &Options{Upstream: "http://u@127.0.0.1"}, ErrURL},
		{"upstream port 0", nil, "", &Options{Upstream: "http://127.0.0.1:0"}, ErrURL},
		{"listen without port", nil, "", &Options{Listen: "0.0.0.0"}, ErrAddress},
		{"listen port out of range", nil, "", &Options{Listen: "0.0.0.0:70000"}, ErrAddress},
		{"admin without host", nil, "", &Options{Admin: ":9901"}, ErrAddress},
		{"empty wasm path", nil, "-", nil, ErrWASMPath},
		{"wasm path with a newline", nil, "/a\nb", nil, ErrWASMPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol, path := tc.policy, tc.wasmPath
			if pol == nil {
				pol = conformance.BasePolicy()
			}
			switch path {
			case "":
				path = "/envoy.wasm"
			case "-":
				path = ""
			}
			out, err := Render(pol, path, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Render = %v, want %v\n%s", err, tc.want, out)
			}
		})
	}
}

// TestExample keeps examples/envoy/envoy.yaml equal to the rendering of
// examples/envoy/policy.json (go test -update rewrites it).
func TestExample(t *testing.T) {
	const dir = "../../examples/envoy/"
	pol, err := os.ReadFile(dir + "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Render(pol, "/etc/envoy/envoy.wasm", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkEnvoy(t, out, "/etc/envoy/envoy.wasm", map[string]endpoint{
		UpstreamCluster: {"127.0.0.1", 8080, false},
		DefaultCluster:  {"127.0.0.1", 9000, false},
	})
	if *update {
		if err := os.WriteFile(dir+"envoy.yaml", out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(dir + "envoy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, out) {
		t.Errorf("examples/envoy/envoy.yaml is stale: go test ./edge/envoyconfig -run TestExample -update")
	}
}
