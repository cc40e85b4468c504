package envoyconfig

import (
	"bytes"
	_ "embed"
	"fmt"
	"net"
	"strconv"
	"strings"
	"text/template"

	"github.com/tollgate/tollgate/wasm/validator"
)

// DefaultCluster is the cluster name for the issuer's documents when the
// policy names none; envoy.wasm uses the same default.
const DefaultCluster = "tollgate_issuer"

// UpstreamCluster is the name of the upstream's cluster; a policy may not use
// it for the issuer.
const UpstreamCluster = "tollgate_upstream"

// Options are Render's settings; the zero value (or nil) means the defaults.
type Options struct {
	// Listen is the host:port Envoy serves on; default "0.0.0.0:10000".
	Listen string
	// Upstream is the URL of the service behind Envoy: http or https, a host
	// and an optional port, no path; default "http://127.0.0.1:8080".
	Upstream string
	// Admin is the host:port of Envoy's admin interface (stats, logs);
	// default "127.0.0.1:9901".
	Admin string
	// TrustedCA is the CA bundle https clusters are verified against;
	// default "/etc/ssl/certs/ca-certificates.crt" (Debian, Ubuntu, Alpine).
	TrustedCA string
}

// Defaults.
const (
	DefaultListen    = "0.0.0.0:10000"
	DefaultUpstream  = "http://127.0.0.1:8080"
	DefaultAdmin     = "127.0.0.1:9901"
	DefaultTrustedCA = "/etc/ssl/certs/ca-certificates.crt"
)

//go:embed envoy.yaml.tmpl
var templateText string

var tmpl = template.Must(template.New("envoy.yaml").Funcs(template.FuncMap{
	"q":      quote,
	"indent": indent,
}).Parse(templateText))

// config is the template's data.
type config struct {
	Listen, Admin address
	WASMPath      string
	Policy        string // the policy document (policyText)
	Upstream      cluster
	Issuers       []cluster
}

// Clusters returns the upstream's cluster, then the issuer's.
func (c *config) Clusters() []cluster { return append([]cluster{c.Upstream}, c.Issuers...) }

// DefaultCluster is the package constant, for the template's comments.
func (*config) DefaultCluster() string { return DefaultCluster }

type address struct {
	Host string
	Port int
}

// Render returns an Envoy configuration that runs envoy.wasm, read from
// wasmPath on the machine that runs Envoy, with policy as its plugin
// configuration, in front of opts.Upstream. The policy must be valid for
// the validation core (inline keys included); Render does not fetch its
// URLs.
func Render(policy []byte, wasmPath string, opts *Options) ([]byte, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.applyDefaults()

	p, err := validator.ParsePolicy(policy)
	if err != nil {
		return nil, err
	}
	if _, err := validator.New(p); err != nil {
		return nil, err
	}
	if wasmPath == "" || strings.ContainsAny(wasmPath, "\r\n") {
		return nil, fmt.Errorf("%w: %q", ErrWASMPath, wasmPath)
	}
	c := config{WASMPath: wasmPath}
	if c.Listen, err = parseAddress("listen", o.Listen); err != nil {
		return nil, err
	}
	if c.Admin, err = parseAddress("admin", o.Admin); err != nil {
		return nil, err
	}
	if c.Upstream, err = upstreamCluster(o.Upstream, o.TrustedCA); err != nil {
		return nil, err
	}
	if c.Issuers, err = issuerClusters(p, o.TrustedCA); err != nil {
		return nil, err
	}
	c.Policy = policyText(policy)
	var out bytes.Buffer
	if err := tmpl.Execute(&out, &c); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (o *Options) applyDefaults() {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.Upstream == "" {
		o.Upstream = DefaultUpstream
	}
	if o.Admin == "" {
		o.Admin = DefaultAdmin
	}
	if o.TrustedCA == "" {
		o.TrustedCA = DefaultTrustedCA
	}
}

func parseAddress(what, hostport string) (address, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return address{}, fmt.Errorf("%w: %s %q: %v", ErrAddress, what, hostport, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || host == "" {
		return address{}, fmt.Errorf("%w: %s %q: want host:port", ErrAddress, what, hostport)
	}
	return address{Host: host, Port: n}, nil
}
