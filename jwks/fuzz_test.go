package jwks

import (
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts is
// internally consistent: every key is usable for some algorithm, has a
// public key (or a secret) and a thumbprint, and kids are unique.
func FuzzParse(f *testing.F) {
	ec := mustEC(f)
	f.Add(set(`"kid":"a",` + ecJWK(ec)))
	f.Add(set(`"kid":"r","alg":"PS256",` + rsaJWK(&testRSA().PublicKey)))
	f.Add(set(`"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"`))
	f.Add(set(`"kty":"oct","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"`))
	f.Add([]byte(`{"keys":[{"kty":"EC","use":"enc"},{"kty":"RSA","d":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseWithOptions(data, &Options{AllowOct: true})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, k := range s.Keys {
			ok := false
			for _, alg := range []string{RS256, PS256, ES256, EdDSA, HS256} {
				ok = ok || k.Supports(alg)
			}
			if !ok || (k.Public == nil) != (k.Kty == "oct") || Thumbprint(k) == "" {
				t.Fatalf("inconsistent key %+v", k)
			}
			if k.Kid != "" && seen[k.Kid] {
				t.Fatalf("duplicate kid %q", k.Kid)
			}
			seen[k.Kid] = true
		}
	})
}
