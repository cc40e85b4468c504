package validator_test

import (
	"strings"
	"testing"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

var benchCases = []struct{ alg, name string }{
	{"ES256", "happy/ES256"},
	{"EdDSA", "happy/EdDSA"},
	{"RS256", "happy/RS256"},
	{"PS256", "happy/PS256"},
	{"HS256", "happy/HS256 with an inline oct key"},
}

// BenchmarkValidate measures Validate per algorithm on the table tokens,
// answered from the cache (cached) or verified in full with the cache off
// (uncached).
func BenchmarkValidate(b *testing.B) {
	for _, bc := range benchCases {
		c := caseNamed(b, bc.name)
		method, path := []byte(c.Method), []byte(c.Path)
		b.Run(bc.alg+"/cached", func(b *testing.B) {
			v, _ := mustValidator(b, c)
			if _, err := v.Validate(c.Token, c.Now, method, path); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.Token)))
			for b.Loop() {
				if _, err := v.Validate(c.Token, c.Now, method, path); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.alg+"/uncached", func(b *testing.B) {
			p, err := validator.ParsePolicy(c.Policy)
			if err != nil {
				b.Fatal(err)
			}
			p.CacheEntries = -1
			v, err := validator.New(p)
			if err != nil {
				b.Fatal(err)
			}
			if c.Keys != nil {
				if err := v.SetKeys(c.Keys); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.Token)))
			for b.Loop() {
				if _, err := v.Validate(c.Token, c.Now, method, path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifySignature measures the signature check alone.
func BenchmarkVerifySignature(b *testing.B) {
	for _, bc := range benchCases {
		c := caseNamed(b, bc.name)
		tok := string(c.Token)
		dot := strings.LastIndexByte(tok, '.')
		sig, err := jwks.AppendDecode(nil, []byte(tok[dot+1:]))
		if err != nil {
			b.Fatal(err)
		}
		var key *jwks.Key
		for _, doc := range [][]byte{c.Keys, inlineJWKS(b, c.Policy)} {
			if doc == nil {
				continue
			}
			set, err := jwks.ParseWithOptions(doc, &jwks.Options{AllowOct: true})
			if err != nil {
				b.Fatal(err)
			}
			for _, k := range set.Keys {
				if k.Supports(bc.alg) {
					key = k
				}
			}
		}
		b.Run(bc.alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !validator.VerifySignature(bc.alg, key, []byte(tok[:dot]), sig) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

func inlineJWKS(tb testing.TB, policy []byte) []byte {
	p, err := validator.ParsePolicy(policy)
	if err != nil {
		tb.Fatal(err)
	}
	return p.JWKS
}
