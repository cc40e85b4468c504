package conformance

import "encoding/json"

// PublicJWKS returns the JWK set of the tables' public keys (kids es256,
// eddsa, rs256 with alg RS256, ps256 with alg PS256): the document a host
// serves at jwks_url or passes to SetKeys.
func PublicJWKS() []byte { return []byte(mustKeys().publicSet()) }

// BasePolicy returns the tables' default policy document: issuer Issuer,
// audience Audience, scope "read" required, ES256/EdDSA/RS256/PS256, 60 s
// leeway, keys from jwks_url (pass PublicJWKS to SetKeys) and a route
// requiring "admin" for POST /admin/*.
func BasePolicy() []byte { return policyDoc(nil) }

// HS256Policy is BasePolicy that also allows HS256, with the tables' secret
// as an inline oct key (kid hs256).
func HS256Policy() []byte {
	return policyDoc(map[string]any{
		"algorithms": []string{"ES256", "EdDSA", "RS256", "PS256", "HS256"},
		"jwks":       json.RawMessage(mustKeys().octSet()),
	})
}

// Sign returns the compact JWS of the header and payload bytes (signed as
// they are, not re-encoded) with the table key for alg: ES256, EdDSA, RS256,
// PS256 or HS256. Differential tests use it to sign arbitrary documents.
func Sign(alg string, header, payload []byte) string {
	k := mustKeys()
	var s signFunc
	switch alg {
	case "ES256":
		s = signES256(k.es256)
	case "EdDSA":
		s = signEdDSA(k.eddsa)
	case "RS256":
		s = signRS256(k.rs256)
	case "PS256":
		s = signPS256(k.ps256)
	case "HS256":
		s = signHS256(k.hs256)
	default:
		panic("conformance: Sign: unknown alg " + alg)
	}
	return compact(string(header), string(payload), s)
}

func mustKeys() *keys {
	k, err := loadKeys()
	if err != nil {
		panic("conformance: embedded keys: " + err.Error())
	}
	return k
}
