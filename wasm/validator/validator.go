package validator

import (
	"strings"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/jwks/strictjson"
)

// Validator validates access tokens against one policy. It is NOT safe for
// concurrent use: give each goroutine, or each WebAssembly instance, its own.
// Its methods never panic on any input.
type Validator struct {
	issuer    string
	audiences []string
	allowed   algs
	leeway    int64
	maxBytes  int

	scopes      []string // required of every request
	policyRoute route    // for requests no route matches: no scopes of its own
	routes      []route
	scopeNames  []string // the scopes above, numbered (see numberScopes)
	scopeBits   bool     // scopeNames and the masks are in use

	inline *jwks.Set // the policy's keys
	keys   *jwks.Set // the keys from SetKeys
	// revoked maps revoked jti values to their exp.
	revoked map[string]int64

	cache    cache
	verifier func(a alg, key *jwks.Key, msg, sig []byte) bool
	hits     uint64
	misses   uint64

	// Per-call scratch, reused so that validation allocates only in the
	// standard library's signature code.
	hdr, payload, sig, strs []byte
	pathBuf                 []byte // a request path without its path parameters
	obj                     strictjson.Object
}

// route is a compiled Route.
type route struct {
	method   string // "" matches any method
	path     string // exact path, or the prefix's base
	prefix   bool
	scopes   []string
	scopeErr *Error // insufficient_scope with the policy's and the route's scopes
	mask     uint64 // the policy's and the route's scopes as bits (see numberScopes)
}

// Claims are the claims of a valid token that hosts forward (X-Auth-Subject,
// X-Auth-Client-Id, X-Auth-Scope). The byte slices are views into the
// Validator's memory, valid until its next method call.
type Claims struct {
	Subject, ClientID, Scope []byte
	Expiry                   int64 // exp, Unix seconds
	Cached                   bool  // answered from the verified-token cache
}

// Stats are cumulative cache counters and the cache's current size.
type Stats struct {
	Hits, Misses, Evictions uint64
	Entries, Bytes          int
}

// New returns a Validator for the policy. The policy is validated as
// ParsePolicy does, zero values take their defaults, and the inline JWKS,
// if any, becomes a key set that SetKeys does not replace. New does not
// retain p.
func New(p *Policy) (*Validator, error) {
	q := *p
	q.Algorithms = append([]string(nil), p.Algorithms...)
	q.applyDefaults()
	if err := q.check(); err != nil {
		return nil, err
	}
	v := &Validator{
		issuer:    q.Issuer,
		audiences: append([]string(nil), q.Audiences...),
		leeway:    q.LeewaySeconds,
		maxBytes:  q.MaxTokenBytes,
		scopes:    append([]string(nil), q.Scopes...),
		revoked:   map[string]int64{},
		verifier:  verifyBuiltin,
	}
	for _, name := range q.Algorithms {
		v.allowed.add(parseAlg(name))
	}
	if len(q.JWKS) > 0 {
		set, err := jwks.ParseWithOptions(q.JWKS, q.inlineOptions())
		if err != nil {
			return nil, policyError("jwks", "", err)
		}
		v.inline = set
	}
	if v.allowed.has(algHS256) && !hasOct(v.inline) {
		return nil, policyError("algorithms", "HS256 requires an oct key in the inline jwks", nil)
	}
	v.policyRoute.scopeErr = scopeError(v.scopes, nil)
	for _, r := range q.Routes {
		cr := route{path: r.Path, scopes: append([]string(nil), r.Scopes...)}
		if r.Method != "*" {
			cr.method = r.Method
		}
		if base, ok := strings.CutSuffix(r.Path, "/*"); ok {
			cr.path, cr.prefix = base, true
		}
		cr.scopeErr = scopeError(v.scopes, cr.scopes)
		v.routes = append(v.routes, cr)
	}
	v.numberScopes()
	if q.CacheEntries > 0 {
		v.cache = newCache(q.CacheEntries, q.CacheBytes)
	}
	n := q.MaxTokenBytes/4*3 + 3
	v.hdr, v.payload, v.sig, v.strs = make([]byte, 0, n), make([]byte, 0, n), make([]byte, 0, 512), make([]byte, 0, 256)
	return v, nil
}

func hasOct(s *jwks.Set) bool {
	if s == nil {
		return false
	}
	for _, k := range s.Keys {
		if k.Kty == "oct" {
			return true
		}
	}
	return false
}

// scopeError returns the insufficient_scope denial naming every scope in a
// and b.
func scopeError(a, b []string) *Error {
	all := make([]string, 0, len(a)+len(b))
	for _, s := range append(append([]string(nil), a...), b...) {
		dup := false
		for _, t := range all {
			dup = dup || t == s
		}
		if !dup {
			all = append(all, s)
		}
	}
	return &Error{Code: InsufficientScope, Description: "insufficient scope", Scope: strings.Join(all, " ")}
}

// SetVerifier replaces the signature check with f, for hosts that offer
// faster native cryptography to a WebAssembly guest; nil restores the
// built-in standard-library check. The Validator still checks the key
// against the algorithm and the signature's length and, for ES256, its
// scalar range before calling f, and never caches a token f rejected.
func (v *Validator) SetVerifier(f VerifyFunc) {
	if f == nil {
		v.verifier = verifyBuiltin
		return
	}
	v.verifier = func(a alg, key *jwks.Key, msg, sig []byte) bool { return f(a.String(), key, msg, sig) }
}

// ResetCache empties the verified-token cache, so that the next validation
// of every token is a full one (benchmarks, policy reloads).
func (v *Validator) ResetCache() {
	v.cache.removeIf(func(*entry) bool { return true })
}

// Stats returns the cache counters.
func (v *Validator) Stats() Stats {
	return Stats{Hits: v.hits, Misses: v.misses, Evictions: v.cache.evicted, Entries: v.cache.len(), Bytes: v.cache.bytes}
}
