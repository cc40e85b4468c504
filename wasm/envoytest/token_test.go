//go:build !wasm

package envoytest

import (
	"encoding/json"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// claims are a token's claims: the tables' issuer, audience and identity
// (sub user-1, client_id client-1, scope "read write", jti jti-1), issued at
// iat and expiring at exp.
func claims(iat, exp int64) map[string]any {
	return map[string]any{
		"iss": conformance.Issuer, "aud": conformance.Audience,
		"sub": "user-1", "client_id": "client-1", "scope": "read write", "jti": "jti-1",
		"iat": iat, "exp": exp,
	}
}

// token signs the claims with the tables' key for alg (kid: alg in lower
// case: es256, eddsa, …) as an RFC 9068 access token.
func token(t testing.TB, alg string, c map[string]any) string {
	t.Helper()
	kid := map[string]string{"ES256": "es256", "EdDSA": "eddsa", "RS256": "rs256", "PS256": "ps256"}[alg]
	hdr, err := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "at+jwt"})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return conformance.Sign(alg, hdr, payload)
}

// policy returns the tables' base policy with fields replaced (nil deletes).
func policy(t testing.TB, extra map[string]any) []byte {
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
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jwksOf returns the tables' public JWKS restricted to the kids.
func jwksOf(t testing.TB, kids ...string) []byte {
	t.Helper()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(conformance.PublicJWKS(), &set); err != nil {
		t.Fatal(err)
	}
	keep := set.Keys[:0]
	for _, k := range set.Keys {
		for _, kid := range kids {
			if k["kid"] == kid {
				keep = append(keep, k)
			}
		}
	}
	set.Keys = keep
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Base policy URLs.
const (
	jwksURL = "https://issuer.example/o/.well-known/jwks.json"
	revURL  = "https://issuer.example/o/revoked"
)

// loaded returns a filter on the base policy (or the given one) with the
// tables' public keys and no revocations loaded, its clock stopped at now.
func loaded(t testing.TB, pol []byte, now int64) (*filter, *clock) {
	t.Helper()
	if pol == nil {
		pol = conformance.BasePolicy()
	}
	clk := stoppedClock(now)
	f := newFilter(t, pol, clk)
	is := &issuer{t: t, jwksURL: jwksURL, revURL: revURL, keys: conformance.PublicJWKS(), revocations: []byte("[]")}
	f.answer(is.serve)
	return f, clk
}
