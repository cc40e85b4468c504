package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/jwk"
	xjwt "github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/tollgate/tollgate/edge"
	"github.com/tollgate/tollgate/wasm/validator"
)

// validateFunc validates one token for GET /things, reading the clock
// itself as a request handler would. It reports a denial as an error, and
// whether the answer came from a verified-token cache.
type validateFunc func(token []byte) (hit bool, err error)

// impl is a validator under comparison. setup returns its validateFunc for
// the policy's tokens, with its verified-token cache on or off (cached
// false); implementations without a cache (hasCache false) ignore cached.
type impl struct {
	name     string
	hasCache bool
	setup    func(tb testing.TB, cached bool) validateFunc
}

var impls = []impl{
	{"native", true, setupNative},
	{kindStandard.name, true, func(tb testing.TB, cached bool) validateFunc { return setupWazero(tb, kindStandard, cached) }},
	{kindGuestCrypto.name, true, func(tb testing.TB, cached bool) validateFunc { return setupWazero(tb, kindGuestCrypto, cached) }},
	{kindTinyGo.name, true, func(tb testing.TB, cached bool) validateFunc { return setupWazero(tb, kindTinyGo, cached) }},
	{"golang-jwt", false, setupGolangJWT},
	{"jwx", false, setupJWX},
}

var errDenied = errors.New("denied")

// setupNative is the validation core called directly from Go.
func setupNative(tb testing.TB, cached bool) validateFunc {
	f := mustFixture(tb)
	p, err := validator.ParsePolicy(f.Policy(nil))
	if err != nil {
		tb.Fatal(err)
	}
	if !cached {
		p.CacheEntries = -1
	}
	v, err := validator.New(p)
	if err != nil {
		tb.Fatal(err)
	}
	method, path := []byte(Method), []byte(Path)
	return func(tok []byte) (bool, error) {
		c, verr := v.Validate(tok, time.Now().Unix(), method, path)
		if verr != nil {
			return false, verr
		}
		return c.Cached, nil
	}
}

// setupWazero is what users of the edge package get: Host.Authorize with
// the request's Authorization header, through the instance pool, in the
// given module build.
func setupWazero(tb testing.TB, kind moduleKind, cached bool) validateFunc {
	f := mustFixture(tb)
	extra := map[string]any{}
	if !cached {
		extra["cache_entries"] = 0
	}
	ctx := context.Background()
	h, err := edge.New(ctx, edge.Options{Compiled: compiled(tb, kind), Policy: f.Policy(extra), PoolSize: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = h.Close(ctx) })
	var d edge.Decision
	var auth []byte
	method, path := []byte(Method), []byte(Path)
	return func(tok []byte) (bool, error) {
		auth = append(append(auth[:0], "Bearer "...), tok...)
		if err := h.Authorize(ctx, auth, method, path, &d); err != nil {
			return false, err
		}
		if d.Verdict != edge.Allow {
			return false, errors.New(d.Verdict.String() + ": " + string(d.Description))
		}
		return d.Cached, nil
	}
}

// atClaims are the RFC 9068 claims golang-jwt decodes.
type atClaims struct {
	gjwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"`
}

// setupGolangJWT is golang-jwt v5's strict parser as a careful user sets it
// up: the policy's algorithms only, issuer, audience, exp required, iat
// checked, 60 s leeway, the key by kid with its algorithm, typ at+jwt and
// the required scope checked by hand (the library has no notion of
// either). It has no cache: cached and uncached are the same work.
func setupGolangJWT(tb testing.TB, _ bool) validateFunc {
	f := mustFixture(tb)
	type key struct {
		alg string
		pub any
	}
	keys := map[string]key{}
	for _, alg := range Algorithms {
		k := f.Key(alg)
		keys[k.Kid] = key{alg, k.Public()}
	}
	parser := gjwt.NewParser(
		gjwt.WithValidMethods(Algorithms),
		gjwt.WithIssuer(Issuer),
		gjwt.WithAudience(Audience),
		gjwt.WithExpirationRequired(),
		gjwt.WithIssuedAt(),
		gjwt.WithLeeway(60*time.Second),
	)
	keyfunc := func(t *gjwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
			return nil, errDenied
		}
		kid, _ := t.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok || k.alg != t.Method.Alg() {
			return nil, errDenied
		}
		return k.pub, nil
	}
	return func(tok []byte) (bool, error) {
		var c atClaims
		if _, err := parser.ParseWithClaims(string(tok), &c, keyfunc); err != nil {
			return false, err
		}
		if !hasScope(c.Scope, RequiredScope) {
			return false, errDenied
		}
		return false, nil
	}
}

// setupJWX is jwx v3's jwt.Parse with the issuer's JWK Set (kid required,
// each key's alg enforced), validation on, issuer, audience, exp required
// and 60 s skew; typ and scope are checked by hand. No cache.
func setupJWX(tb testing.TB, _ bool) validateFunc {
	f := mustFixture(tb)
	set, err := jwk.Parse(f.JWKS())
	if err != nil {
		tb.Fatal(err)
	}
	return func(tok []byte) (bool, error) {
		t, err := xjwt.Parse(tok,
			xjwt.WithKeySet(set),
			xjwt.WithValidate(true),
			xjwt.WithIssuer(Issuer),
			xjwt.WithAudience(Audience),
			xjwt.WithRequiredClaim("exp"),
			xjwt.WithAcceptableSkew(60*time.Second),
		)
		if err != nil {
			return false, err
		}
		if !typAccessToken(tok) {
			return false, errDenied
		}
		var scope string
		if err := t.Get("scope", &scope); err != nil || !hasScope(scope, RequiredScope) {
			return false, errDenied
		}
		return false, nil
	}
}

// typAccessToken reports whether the JOSE header of tok says typ at+jwt.
func typAccessToken(tok []byte) bool {
	seg, _, _ := strings.Cut(string(tok), ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return false
	}
	var h struct {
		Typ string `json:"typ"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	return strings.EqualFold(h.Typ, "at+jwt") || strings.EqualFold(h.Typ, "application/at+jwt")
}

// hasScope reports whether the space-separated scope holds want.
func hasScope(scope, want string) bool {
	for s := range strings.FieldsSeq(scope) {
		if s == want {
			return true
		}
	}
	return false
}
