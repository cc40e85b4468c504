package workerd

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/tollgate/tollgate/edge"
	"github.com/tollgate/tollgate/wasm/validator"
)

// Options configure [Run] and [WriteConfig]. Policy and Upstream are
// required; zero values of the others mean the documented defaults. These
// are the parsed flags of `edge proxy`, so `edge workerd` takes the same.
type Options struct {
	// Policy is the policy document (DESIGN.md), passed to the worker as its
	// POLICY binding. Run rejects a policy validator.ParsePolicy rejects.
	Policy []byte
	// Upstream is the origin allowed requests are forwarded to:
	// http(s)://HOST[:PORT], no path.
	Upstream string

	// Listen is the address to serve on, e.g. "127.0.0.1:8080". It is
	// unused when Listener is set.
	Listen string
	// Listener, if set, is the socket workerd serves (a *net.TCPListener
	// or *net.UnixListener). Run passes workerd a duplicate of it and
	// leaves it open: the caller closes it.
	Listener net.Listener

	// Module is validator.wasm. If empty, ModulePath is read; if that is
	// empty too, the module embedded in package edge at build time is used.
	Module []byte
	// ModulePath is a file to read the module from when Module is empty.
	ModulePath string

	// Binary is the workerd executable. Empty means [FindBinary].
	Binary string
	// CompatibilityDate is the worker's compatibility date. Empty means
	// [CompatibilityDate].
	CompatibilityDate string

	// InsecureNowHeader, for tests only, names a request header whose value
	// (Unix seconds) the worker uses instead of its clock. Anyone who can
	// reach the worker could then replay expired tokens: never set it in a
	// deployment.
	InsecureNowHeader string

	// Stdout and Stderr receive workerd's output (the worker's console.log
	// and console.error, workerd's own diagnostics). Nil means os.Stdout
	// and os.Stderr.
	Stdout, Stderr io.Writer
}

// CompatibilityDate is the default compatibility date of the worker: one
// the pinned workerd (scripts/install-workerd.sh) supports. Keep it in step
// with edge/worker/wrangler.toml.
const CompatibilityDate = "2026-11-01"

// check validates the options that do not need the file system.
func (o *Options) check() error {
	if len(o.Policy) == 0 {
		return fmt.Errorf("%w: Policy is required", ErrOptions)
	}
	if _, err := validator.ParsePolicy(o.Policy); err != nil {
		return fmt.Errorf("%w: policy: %w", ErrOptions, err)
	}
	u, err := url.Parse(o.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%w: Upstream must be http(s)://HOST[:PORT] with no path, got %q", ErrOptions, o.Upstream)
	}
	if o.Listener == nil && o.Listen == "" {
		return fmt.Errorf("%w: Listen or Listener is required", ErrOptions)
	}
	for _, f := range []struct{ name, value string }{
		{"Listen", o.Listen}, {"InsecureNowHeader", o.InsecureNowHeader}, {"CompatibilityDate", o.CompatibilityDate},
	} {
		if !plain(f.value) {
			return fmt.Errorf("%w: %s %q has characters outside printable ASCII", ErrOptions, f.name, f.value)
		}
	}
	return nil
}

// plain reports whether s is printable ASCII without spaces, quotes or
// backslashes: safe in the capnp configuration and in a header name.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// module returns validator.wasm: Module, ModulePath, or the embedded one.
func (o *Options) module() ([]byte, error) {
	b, err := edge.ReadModule(o.Module, o.ModulePath)
	if errors.Is(err, edge.ErrNoModule) {
		return nil, fmt.Errorf("workerd: %w (build it with `make wasm`, or pass the module)", err)
	}
	return b, err
}
