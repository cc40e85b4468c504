package signing

import (
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// benchClaims is a typical client_credentials access token claims set.
var benchClaims = []byte(`{"aud":"api","client_id":"3kX9dQ2mZ7","exp":1893553445,"iat":1893549845,"iss":"http://127.0.0.1:9000/o","jti":"Wb0b0nKk3c1h0m2sQe7xVg","nbf":1893549845,"scope":"read write","sub":"3kX9dQ2mZ7"}`)

// BenchmarkSign measures Ring.Sign (standard library signing with a
// precomputed header) against jws.Sign from jwx with the same key and
// protected header, per algorithm. The jwx variant exists for comparison
// only; see the package's choice in sign.go.
func BenchmarkSign(b *testing.B) {
	for _, alg := range algs {
		k := cachedKey(b, alg)
		b.Run(alg+"/ring", func(b *testing.B) {
			r := NewRing([]*Key{k}, Options{Now: newClock(t0).Now})
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := r.Sign(alg, "at+jwt", benchClaims); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/jwx", func(b *testing.B) {
			sa, _ := jwa.LookupSignatureAlgorithm(alg)
			hdr := jws.NewHeaders()
			if err := hdr.Set(jws.KeyIDKey, k.Kid); err != nil {
				b.Fatal(err)
			}
			if err := hdr.Set(jws.TypeKey, "at+jwt"); err != nil {
				b.Fatal(err)
			}
			opt := jws.WithKey(sa, k.signer, jws.WithProtectedHeaders(hdr))
			tok, err := jws.Sign(benchClaims, opt)
			if err != nil {
				b.Fatal(err)
			}
			doc, _ := NewRing([]*Key{k}, Options{Now: newClock(t0).Now}).JWKS()
			if _, err := verifyJWX(doc, tok); err != nil {
				b.Fatalf("jwx token does not verify: %v", err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jws.Sign(benchClaims, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignParallel measures Ring.Sign from many goroutines, the
// token endpoint's load shape.
func BenchmarkSignParallel(b *testing.B) {
	r := NewRing([]*Key{cachedKey(b, ES256)}, Options{Now: newClock(t0).Now})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := r.Sign(ES256, "at+jwt", benchClaims); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkJWKS measures a cached JWKS call.
func BenchmarkJWKS(b *testing.B) {
	var keys []*Key
	for _, alg := range algs {
		keys = append(keys, cachedKey(b, alg))
	}
	r := NewRing(keys, Options{Now: newClock(t0).Now})
	b.ReportAllocs()
	for b.Loop() {
		r.JWKS()
	}
}
