package validator

import (
	"strings"

	"github.com/tollgate/tollgate/jwks"
)

// Route adds required scopes to requests that match it. The first route
// that matches a request applies.
type Route struct {
	// Method matches the request method exactly (methods are
	// case-sensitive); "" or "*" matches any method.
	Method string
	// Path matches the request path (query excluded) exactly, or, when it
	// ends in "/*", the path before "/*" and everything below it:
	// "/admin/*" matches "/admin", "/admin/" and "/admin/x/y".
	Path   string
	Scopes []string
}

// Policy is the validation policy: DESIGN.md's policy document as a Go
// value. ParsePolicy fills in the document's defaults; New treats the zero
// value of a field as its default too, except LeewaySeconds (zero: none).
type Policy struct {
	Issuer     string   // required; the iss claim must equal it exactly
	Audiences  []string // required; the aud claim must contain one of them
	Scopes     []string // required of every request
	Algorithms []string // default: ES256, EdDSA, RS256, PS256; HS256 only with an inline oct key

	LeewaySeconds int64 // clock skew allowed for exp, nbf and iat; document default 60, at most 600
	MaxTokenBytes int   // default 8192; checked before any decoding

	// JWKS is an inline JWK set document. It may hold HS256 keys (kty
	// "oct") when Algorithms allows HS256, but then only those.
	JWKS           []byte
	JWKSURL        string // the host fetches it and calls SetKeys
	RevocationsURL string // the host polls it and calls SetRevocations
	RefreshSeconds int64  // host refresh period for both URLs; default 300

	Routes []Route

	// CacheEntries and CacheBytes bound the verified-token cache; defaults
	// 1024 entries and 1 MiB. A negative CacheEntries disables the cache
	// (in the document: "cache_entries": 0).
	CacheEntries int
	CacheBytes   int

	Realm string // WWW-Authenticate realm; default "tollgate"

	// Envoy: the clusters the proxy-wasm filter fetches jwks_url and
	// revocations_url through. RevocationsCluster defaults to JWKSCluster.
	JWKSCluster        string
	RevocationsCluster string
}

// Defaults.
const (
	DefaultLeewaySeconds  = 60
	DefaultMaxTokenBytes  = 8192
	DefaultRefreshSeconds = 300
	DefaultCacheEntries   = 1024
	DefaultCacheBytes     = 1 << 20
	DefaultRealm          = "tollgate"
)

// applyDefaults replaces zero values by the defaults.
func (p *Policy) applyDefaults() {
	if len(p.Algorithms) == 0 {
		p.Algorithms = append([]string(nil), defaultAlgorithms...)
	}
	if p.MaxTokenBytes == 0 {
		p.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if p.RefreshSeconds == 0 {
		p.RefreshSeconds = DefaultRefreshSeconds
	}
	if p.CacheEntries == 0 {
		p.CacheEntries = DefaultCacheEntries
	}
	if p.CacheBytes == 0 {
		p.CacheBytes = DefaultCacheBytes
	}
	if p.Realm == "" {
		p.Realm = DefaultRealm
	}
	if p.RevocationsCluster == "" {
		p.RevocationsCluster = p.JWKSCluster
	}
}

// check validates a policy whose defaults are applied.
func (p *Policy) check() error {
	switch {
	case p.Issuer == "":
		return policyError("issuer", "required", nil)
	case len(p.Audiences) == 0:
		return policyError("audiences", "at least one audience is required", nil)
	case p.LeewaySeconds < 0 || p.LeewaySeconds > 600:
		return policyError("leeway_seconds", "must be between 0 and 600", nil)
	case p.MaxTokenBytes < 256 || p.MaxTokenBytes > 1<<20:
		return policyError("max_token_bytes", "must be between 256 and 1048576", nil)
	case p.RefreshSeconds < 1 || p.RefreshSeconds > 86400:
		return policyError("refresh_seconds", "must be between 1 and 86400", nil)
	case p.CacheEntries > 1<<20:
		return policyError("cache_entries", "must be at most 1048576", nil)
	case p.CacheBytes < 0 || p.CacheBytes > 1<<30:
		return policyError("cache_bytes", "must be between 0 and 1073741824", nil)
	case len(p.JWKS) == 0 && p.JWKSURL == "":
		return policyError("jwks", "jwks or jwks_url is required", nil)
	case !headerSafe(p.Realm):
		return policyError("realm", "must be printable ASCII without quotes or backslashes", nil)
	}
	for _, a := range p.Audiences {
		if a == "" {
			return policyError("audiences", "empty audience", nil)
		}
	}
	for _, name := range p.Algorithms {
		if parseAlg(name) == algNone {
			return policyError("algorithms", "unsupported algorithm "+quote(name), nil)
		}
	}
	for _, u := range []struct{ field, url string }{{"jwks_url", p.JWKSURL}, {"revocations_url", p.RevocationsURL}} {
		if u.url != "" && !strings.HasPrefix(u.url, "https://") && !strings.HasPrefix(u.url, "http://") {
			return policyError(u.field, "must be an http or https URL", nil)
		}
	}
	if err := checkScopes("scopes", p.Scopes); err != nil {
		return err
	}
	for _, r := range p.Routes {
		if err := r.check(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Route) check() error {
	base := strings.TrimSuffix(r.Path, "/*")
	switch {
	case !strings.HasPrefix(r.Path, "/"):
		return policyError("routes", "path must start with /: "+quote(r.Path), nil)
	case strings.Contains(base, "*"):
		return policyError("routes", "* is only allowed as a final /*: "+quote(r.Path), nil)
	case r.Method != "*" && !isToken(r.Method):
		return policyError("routes", "invalid method "+quote(r.Method), nil)
	}
	return checkScopes("routes", r.Scopes)
}

// checkScopes validates scope tokens (RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E )).
func checkScopes(field string, scopes []string) error {
	for _, s := range scopes {
		ok := s != ""
		for i := 0; i < len(s) && ok; i++ {
			c := s[i]
			ok = c >= 0x21 && c <= 0x7e && c != '"' && c != '\\'
		}
		if !ok {
			return policyError(field, "invalid scope "+quote(s), nil)
		}
	}
	return nil
}

// isToken reports whether s is empty or an RFC 9110 token (methods).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// headerSafe reports whether s can go into a quoted-string unescaped.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func quote(s string) string { return `"` + s + `"` }

// inlineOptions returns the jwks options for the policy's inline set.
func (p *Policy) inlineOptions() *jwks.Options {
	for _, a := range p.Algorithms {
		if a == jwks.HS256 {
			return &jwks.Options{AllowOct: true}
		}
	}
	return nil
}
