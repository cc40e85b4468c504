package validator_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// tables caches one Cases() call per test binary: signing is slow.
var tables = conformance.Cases()

func caseNamed(t testing.TB, name string) *conformance.Case {
	t.Helper()
	for i := range tables {
		if tables[i].Name == name {
			return &tables[i]
		}
	}
	t.Fatalf("no case %q", name)
	return nil
}

// mustValidator configures a validator the way conformance.Native does.
func mustValidator(t testing.TB, c *conformance.Case) (*validator.Validator, *validator.Policy) {
	t.Helper()
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Keys != nil {
		if err := v.SetKeys(c.Keys); err != nil {
			t.Fatal(err)
		}
	}
	if c.Revocations != nil {
		if err := v.SetRevocations(c.Revocations); err != nil {
			t.Fatal(err)
		}
	}
	return v, p
}

// TestTablesTwice runs every table case on one validator through Validate,
// then Authorize, then Validate again, and on a second validator through
// Authorize twice: every answer after the first (from the cache for valid
// tokens) must equal the first.
func TestTablesTwice(t *testing.T) {
	type request func(*validator.Validator, string, *conformance.Case) conformance.Result
	for i := range tables {
		c := &tables[i]
		t.Run(c.Name, func(t *testing.T) {
			v, p := mustValidator(t, c)
			for round, req := range []request{conformance.NativeRequest, conformance.NativeAuthorize, conformance.NativeRequest} {
				if err := conformance.Check(c, req(v, p.Realm, c)); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			v2, _ := mustValidator(t, c)
			for round := range 2 {
				if err := conformance.Check(c, conformance.NativeAuthorize(v2, p.Realm, c)); err != nil {
					t.Fatalf("Authorize round %d: %v", round, err)
				}
			}
			s := v.Stats()
			if c.Want.Status == 200 && s.Hits != 2 {
				t.Fatalf("valid token: %d cache hits, want 2", s.Hits)
			}
			if c.Want.Status == 401 && s.Hits != 0 {
				t.Fatalf("rejected token answered from the cache: %+v", s)
			}
		})
	}
}

func TestCachedPathAllocatesNothing(t *testing.T) {
	for _, name := range []string{"happy/ES256", "happy/EdDSA", "happy/RS256", "happy/PS256", "happy/HS256 with an inline oct key"} {
		c := caseNamed(t, name)
		v, _ := mustValidator(t, c)
		method, path := []byte(c.Method), []byte(c.Path)
		admin := []byte("/admin/x")
		post := []byte("POST")
		auth := append([]byte("Bearer "), c.Token...)
		var ca validator.Claims
		if _, err := v.Validate(c.Token, c.Now, method, path); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(200, func() {
			cl, err := v.Validate(c.Token, c.Now, method, path)
			if err != nil || !cl.Cached || string(cl.Subject) != "user-1" {
				t.Fatalf("cached validation: %+v %v", cl, err)
			}
			// A cached token denied by a route's scopes allocates nothing either.
			if _, err := v.Validate(c.Token, c.Now, post, admin); err == nil || err.Code != validator.InsufficientScope {
				t.Fatalf("route denial: %v", err)
			}
			if bearer, err := v.Authorize(auth, c.Now, method, path, &ca); !bearer || err != nil || !ca.Cached {
				t.Fatalf("cached Authorize: %v %+v %v", bearer, ca, err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: cached path allocates %v times per run, want 0", name, allocs)
		}
	}
}

func TestDenialsAllocateNothing(t *testing.T) {
	c := caseNamed(t, "happy/ES256")
	v, _ := mustValidator(t, c)
	for _, name := range []string{"alg/none with a signature", "header/jku", "header/unknown kid", "size/100 000 dots", "segments/two", "base64/standard alphabet", "typ/missing"} {
		tok := caseNamed(t, name).Token
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := v.Validate(tok, c.Now, []byte("GET"), []byte("/")); err == nil {
				t.Fatal("accepted")
			}
		})
		if allocs != 0 {
			t.Errorf("%s: denial allocates %v times, want 0", name, allocs)
		}
	}
}

// TestUncachedAllocations reports (and bounds) the allocations of a full
// validation; they come from the standard library's signature code.
func TestUncachedAllocations(t *testing.T) {
	limits := map[string]float64{"happy/ES256": 20, "happy/EdDSA": 2, "happy/RS256": 20, "happy/PS256": 25, "happy/HS256 with an inline oct key": 10}
	for name, limit := range limits {
		c := caseNamed(t, name)
		v, _ := mustValidator(t, c)
		cached := c.Token
		allocs := testing.AllocsPerRun(20, func() {
			v.ResetCache()
			if _, err := v.Validate(cached, c.Now, []byte(c.Method), []byte(c.Path)); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %v allocations uncached", name, allocs)
		if allocs > limit {
			t.Errorf("%s: %v allocations uncached, want at most %v", name, allocs, limit)
		}
	}
}

func TestCacheLifetime(t *testing.T) {
	c := caseNamed(t, "happy/ES256")
	get := []byte("GET")
	path := []byte("/api/items")
	validate := func(v *validator.Validator, now int64) (validator.Claims, *validator.Error) {
		return v.Validate(c.Token, now, get, path)
	}

	t.Run("expires with exp plus leeway", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil {
			t.Fatal(err)
		}
		exp := c.Now + 600
		if cl, err := validate(v, exp+59); err != nil || !cl.Cached {
			t.Fatalf("within leeway: %+v %v", cl, err)
		}
		if _, err := validate(v, exp+60); err == nil || err.Description != "token expired" {
			t.Fatalf("after exp+leeway: %v", err)
		}
		if s := v.Stats(); s.Entries != 0 {
			t.Fatalf("expired entry still cached: %+v", s)
		}
	})
	t.Run("clock going backwards before iat", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		// iat is Now-60; with 60 s leeway the token is valid from Now-120.
		if _, err := validate(v, c.Now-121); err == nil {
			t.Fatal("cached token accepted before iat - leeway")
		}
	})
	t.Run("evicted when its key is removed", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		if err := v.SetKeys([]byte(`{"keys":[]}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := validate(v, c.Now); err == nil || !err.UnknownKey {
			t.Fatalf("after key removal: %v", err)
		}
	})
	t.Run("kept when the key set is refreshed unchanged", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		if err := v.SetKeys(c.Keys); err != nil {
			t.Fatal(err)
		}
		if cl, err := validate(v, c.Now); err != nil || !cl.Cached {
			t.Fatalf("after unchanged refresh: %+v %v", cl, err)
		}
	})
	t.Run("evicted when its kid gets another key", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		foreign := strings.Replace(string(c.Keys), `"kid":"es256"`, `"kid":"es256-old"`, 1)
		foreign = strings.Replace(foreign, `"kid":"eddsa"`, `"kid":"es256"`, 1) // es256 now names the Ed25519 key
		if err := v.SetKeys([]byte(foreign)); err != nil {
			t.Fatal(err)
		}
		if _, err := validate(v, c.Now); err == nil || err.Description != "key does not match algorithm" {
			t.Fatalf("after kid reassignment: %v", err)
		}
	})
	t.Run("evicted when revoked", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		if err := v.SetRevocations([]byte(`[{"jti":"jti-1","exp":1767226200}]`)); err != nil {
			t.Fatal(err)
		}
		if _, err := validate(v, c.Now); err == nil || err.Description != "token revoked" {
			t.Fatalf("after revocation: %v", err)
		}
		// Lifting the revocation makes the token valid again (verified afresh).
		if err := v.SetRevocations([]byte(`[]`)); err != nil {
			t.Fatal(err)
		}
		if cl, err := validate(v, c.Now); err != nil || cl.Cached {
			t.Fatalf("after un-revoking: %+v %v", cl, err)
		}
	})
	t.Run("bad updates keep the old state", func(t *testing.T) {
		v, _ := mustValidator(t, c)
		if _, err := validate(v, c.Now); err != nil { // caches the token
			t.Fatal(err)
		}
		if err := v.SetKeys([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AA"}]}`)); err == nil {
			t.Fatal("bad JWKS accepted")
		}
		if err := v.SetRevocations([]byte(`[{"jti":1}]`)); !errors.Is(err, validator.ErrRevocations) {
			t.Fatalf("bad feed: %v", err)
		}
		if cl, err := validate(v, c.Now); err != nil || !cl.Cached {
			t.Fatalf("after rejected updates: %+v %v", cl, err)
		}
	})
}

func TestCacheBounds(t *testing.T) {
	base := caseNamed(t, "happy/ES256")
	var toks [][]byte
	for _, name := range []string{"happy/ES256", "happy/EdDSA", "happy/RS256", "happy/PS256", "happy/aud array", "happy/typ in upper case"} {
		toks = append(toks, caseNamed(t, name).Token)
	}
	for _, tt := range []struct {
		name           string
		entries, bytes int
		wantMax        int // entries after filling
	}{
		{"by entries", 3, 1 << 20, 3},
		{"by bytes", 100, 1400, 2},
		{"token larger than the budget", 100, 300, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := validator.ParsePolicy(base.Policy)
			if err != nil {
				t.Fatal(err)
			}
			p.CacheEntries, p.CacheBytes = tt.entries, tt.bytes
			v, err := validator.New(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.SetKeys(base.Keys); err != nil {
				t.Fatal(err)
			}
			for round := 0; round < 3; round++ {
				for _, tok := range toks {
					if _, err := v.Validate(tok, base.Now, []byte("GET"), []byte("/")); err != nil {
						t.Fatal(err)
					}
					s := v.Stats()
					if s.Entries > tt.wantMax || s.Bytes > tt.bytes {
						t.Fatalf("cache over its bounds: %+v", s)
					}
				}
			}
			if s := v.Stats(); s.Entries != tt.wantMax && !(tt.wantMax > 0 && s.Entries > 0 && s.Entries < tt.wantMax) {
				t.Fatalf("entries = %d, want %d (%+v)", s.Entries, tt.wantMax, s)
			}
		})
	}
	t.Run("disabled", func(t *testing.T) {
		p, _ := validator.ParsePolicy([]byte(strings.Replace(string(base.Policy), `{`, `{"cache_entries":0,`, 1)))
		v, err := validator.New(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.SetKeys(base.Keys); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if cl, err := v.Validate(base.Token, base.Now, nil, []byte("/")); err != nil || cl.Cached {
				t.Fatalf("%+v %v", cl, err)
			}
		}
	})
}

func TestSetKeysConflict(t *testing.T) {
	c := caseNamed(t, "happy/inline public JWKS")
	v, _ := mustValidator(t, c)
	inline := caseNamed(t, "happy/ES256").Keys
	if err := v.SetKeys(inline); err != nil {
		t.Fatalf("same keys again: %v", err)
	}
	changed := strings.Replace(string(inline), `"kid":"eddsa"`, `"kid":"es256x"`, 1)
	changed = strings.Replace(changed, `"kid":"es256"`, `"kid":"eddsa"`, 1)
	if err := v.SetKeys([]byte(changed)); !errors.Is(err, validator.ErrKidConflict) {
		t.Fatalf("conflicting kid: %v", err)
	}
	if err := v.SetKeys([]byte(`{"keys":[{"kty":"oct","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}`)); !errors.Is(err, jwks.ErrOctNotAllowed) {
		t.Fatalf("oct key in SetKeys: %v", err)
	}
}

func TestSetVerifier(t *testing.T) {
	c := caseNamed(t, "happy/ES256")
	v, _ := mustValidator(t, c)
	var calls []string
	v.SetVerifier(func(alg string, key *jwks.Key, in, sig []byte) bool {
		calls = append(calls, alg+"/"+key.Kid)
		return validator.VerifySignature(alg, key, in, sig)
	})
	if _, err := v.Validate(c.Token, c.Now, nil, []byte("/")); err != nil {
		t.Fatal(err)
	}
	// Shape checks run before the hook: a psychic signature never reaches it.
	if _, err := v.Validate(caseNamed(t, "sig/psychic ECDSA r=s=0").Token, c.Now, nil, []byte("/")); err == nil {
		t.Fatal("psychic signature accepted")
	}
	if strings.Join(calls, ",") != "ES256/es256" {
		t.Fatalf("verifier calls = %q", calls)
	}
	v.SetVerifier(func(string, *jwks.Key, []byte, []byte) bool { return false })
	if _, err := v.Validate(caseNamed(t, "happy/EdDSA").Token, c.Now, nil, []byte("/")); err == nil || err.Description != "invalid signature" {
		t.Fatalf("rejecting verifier: %v", err)
	}
	v.SetVerifier(nil)
	if _, err := v.Validate(caseNamed(t, "happy/EdDSA").Token, c.Now, nil, []byte("/")); err != nil {
		t.Fatalf("built-in verifier restored: %v", err)
	}
}

// TestCachedScopes checks the scope decisions of cached tokens against those
// of uncached ones, with few distinct scopes (checked with bit masks) and
// with more than 64 (checked by scanning the claim).
func TestCachedScopes(t *testing.T) {
	c := caseNamed(t, "happy/ES256") // scope "read write"; the policy requires read
	routes := []validator.Route{
		{Method: "GET", Path: "/w", Scopes: []string{"write"}},
		{Method: "GET", Path: "/rw/*", Scopes: []string{"write", "read"}},
		{Path: "/a", Scopes: []string{"admin"}},
		{Method: "POST", Path: "/w", Scopes: []string{"write", "admin"}},
	}
	var many []validator.Route
	for i := range 70 {
		many = append(many, validator.Route{Path: "/x" + strconv.Itoa(i), Scopes: []string{"s" + strconv.Itoa(i)}})
	}
	requests := []struct {
		method, path string
		scope        string // "" allowed, else the 403's scope attribute
	}{
		{"GET", "/", ""},
		{"GET", "/w", ""},
		{"GET", "/rw/x", ""},
		{"GET", "/a", "read admin"},
		{"POST", "/w", "read write admin"},
		{"GET", "/x3", "read s3"},
		{"GET", "/x69", "read s69"},
	}
	for _, tt := range []struct {
		name   string
		routes []validator.Route
	}{
		{"masks", routes},
		{"more than 64 scopes", append(append([]validator.Route(nil), routes...), many...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := validator.ParsePolicy(c.Policy)
			if err != nil {
				t.Fatal(err)
			}
			p.Routes = tt.routes
			v, err := validator.New(p)
			if err != nil {
				t.Fatal(err)
			}
			if c.Keys != nil {
				if err := v.SetKeys(c.Keys); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range requests {
				if tt.name == "masks" && strings.HasPrefix(r.path, "/x") {
					r.scope = "" // no such route: the policy's scope suffices
				}
				for round := range 2 {
					v.ResetCache()
					if round == 1 { // cache the token on another request first
						if _, err := v.Validate(c.Token, c.Now, []byte("GET"), []byte("/")); err != nil {
							t.Fatal(err)
						}
					}
					cl, err := v.Validate(c.Token, c.Now, []byte(r.method), []byte(r.path))
					switch {
					case r.scope == "" && err != nil:
						t.Errorf("round %d: %s %s: %v", round, r.method, r.path, err)
					case r.scope != "" && (err == nil || err.Code != validator.InsufficientScope || err.Scope != r.scope):
						t.Errorf("round %d: %s %s: %+v, want insufficient_scope %q", round, r.method, r.path, err, r.scope)
					case err == nil && cl.Cached != (round == 1):
						t.Errorf("round %d: %s %s: cached %v", round, r.method, r.path, cl.Cached)
					}
				}
			}
		})
	}
}

// TestCacheHitsOnlyTheSameBytes: once a token is cached, no other byte
// string is answered from its entry. Every single-byte change of a cached
// token (the hash reads only its last bytes, so most variants share its
// bucket) must go through full verification and fail. The fuzzer found the
// cache's comparison calling some of these equal.
func TestCacheHitsOnlyTheSameBytes(t *testing.T) {
	for _, name := range []string{"happy/ES256", "happy/RS256"} {
		t.Run(name, func(t *testing.T) {
			c := caseNamed(t, name)
			v, _ := mustValidator(t, c)
			if _, err := v.Validate(c.Token, c.Now, []byte(c.Method), []byte(c.Path)); err != nil {
				t.Fatal(err)
			}
			for i := range c.Token {
				for _, b := range []byte{0, 'A', 'Q', 'g', 'w', '.'} {
					if c.Token[i] == b {
						continue
					}
					tok := bytes.Clone(c.Token)
					tok[i] = b
					cl, err := v.Validate(tok, c.Now, []byte(c.Method), []byte(c.Path))
					if cl.Cached {
						t.Fatalf("byte %d %q → %q: answered from the original's cache entry", i, c.Token[i], b)
					}
					if err == nil {
						t.Fatalf("byte %d %q → %q: accepted", i, c.Token[i], b)
					}
				}
			}
		})
	}
}
