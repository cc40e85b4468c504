package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
)

// usageError is a misuse of the command line (exit status 2); its message
// says what is wrong.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// proxyConfig is the parsed command line of `edge proxy`.
type proxyConfig struct {
	listen, adminListen string
	upstream            *url.URL
	policy              []byte // the policy document, from --policy or the flags
	module              string
	cacheDir            string
	pool                int
	minRefresh          time.Duration
}

// strList is a repeatable string flag.
type strList []string

func (s *strList) String() string     { return strings.Join(*s, ",") }
func (s *strList) Set(v string) error { *s = append(*s, v); return nil }

// parseCommand parses the flags of the subcommand cmd ("edge proxy" or
// "edge workerd"). On -h it returns nil and status 0; on misuse it writes
// the error and the usage to stderr and returns nil and status 2.
func parseCommand(cmd string, args []string, stderr io.Writer) (*proxyConfig, int) {
	c, err := parseProxy(cmd, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil, 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s", cmd, err, usage)
		return nil, 2
	}
	return c, 0
}

// parseProxy parses the flags of cmd, `edge proxy` or `edge workerd`: the
// same policy flags, but workerd has no admin listener, instance pool or
// compilation cache of ours, and its Workers script refreshes on its own
// schedule, so those flags are the proxy's alone.
func parseProxy(cmd string, args []string, stderr io.Writer) (*proxyConfig, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		c                                   proxyConfig
		upstream, policyFile                string
		issuer, jwksFile, jwksURL, revocURL string
		audiences, scopes                   strList
	)
	fs.StringVar(&c.listen, "listen", "", "address to serve the proxy on (required), e.g. 127.0.0.1:8080")
	fs.StringVar(&upstream, "upstream", "", "upstream base URL (required), e.g. http://127.0.0.1:8081")
	fs.StringVar(&policyFile, "policy", "", "policy document (JSON); excludes --issuer and the flags below")
	fs.StringVar(&issuer, "issuer", "", "expected iss")
	fs.Var(&audiences, "audience", "accepted aud (repeatable)")
	fs.Var(&scopes, "scope", "scope every request needs (repeatable)")
	fs.StringVar(&jwksFile, "jwks-file", "", "JWKS document with the issuer's public keys")
	fs.StringVar(&jwksURL, "jwks-url", "", "URL of the issuer's JWKS")
	fs.StringVar(&revocURL, "revocations-url", "", "URL of the issuer's revocation feed")
	fs.StringVar(&c.module, "module", "", "validator module to run (default: the embedded validator.wasm)")
	if cmd == "edge proxy" {
		fs.StringVar(&c.adminListen, "admin-listen", "127.0.0.1:9901", "address for /healthz and /metrics")
		fs.StringVar(&c.cacheDir, "cache-dir", "", "compilation cache directory (default: under the user cache dir)")
		fs.IntVar(&c.pool, "pool", 0, "module instances (default: GOMAXPROCS)")
		fs.DurationVar(&c.minRefresh, "min-refresh", 0, "shortest interval between JWKS / revocation fetches (default 30s)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &usageError{err.Error()}
	}
	misuse := func(format string, a ...any) (*proxyConfig, error) {
		return nil, &usageError{fmt.Sprintf(format, a...)}
	}
	if fs.NArg() > 0 {
		return misuse("unexpected argument %q", fs.Arg(0))
	}
	if c.listen == "" {
		return misuse("--listen is required")
	}
	if upstream == "" {
		return misuse("--upstream is required")
	}
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return misuse("--upstream must be http(s)://HOST[:PORT] with no path, got %q", upstream)
	}
	c.upstream = u
	if c.pool < 0 {
		return misuse("--pool must be positive")
	}

	if policyFile != "" {
		if issuer != "" || len(audiences) > 0 || len(scopes) > 0 || jwksFile != "" || jwksURL != "" || revocURL != "" {
			return misuse("--policy excludes --issuer, --audience, --scope, --jwks-file, --jwks-url and --revocations-url")
		}
		if c.policy, err = os.ReadFile(policyFile); err != nil {
			return misuse("--policy: %v", err)
		}
		return &c, nil
	}
	switch {
	case issuer == "":
		return misuse("give --policy FILE, or --issuer with --audience and --jwks-file or --jwks-url")
	case len(audiences) == 0:
		return misuse("--audience is required with --issuer")
	case (jwksFile == "") == (jwksURL == ""):
		return misuse("give exactly one of --jwks-file and --jwks-url")
	}
	doc := map[string]any{"issuer": issuer, "audiences": []string(audiences)}
	if len(scopes) > 0 {
		doc["scopes"] = []string(scopes)
	}
	if jwksFile != "" {
		keys, err := os.ReadFile(jwksFile)
		if err != nil {
			return misuse("--jwks-file: %v", err)
		}
		if !json.Valid(keys) {
			return misuse("--jwks-file: %s is not JSON", jwksFile)
		}
		doc["jwks"] = json.RawMessage(keys)
	}
	if jwksURL != "" {
		doc["jwks_url"] = jwksURL
	}
	if revocURL != "" {
		doc["revocations_url"] = revocURL
	}
	if c.policy, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	return &c, nil
}
