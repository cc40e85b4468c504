package signing

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// TestThumbprintRFC7638 checks the kid derivation against the example of
// RFC 7638 §3.1.
func TestThumbprintRFC7638(t *testing.T) {
	const (
		n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
		// The RFC's result, §3.1 last paragraph.
		want = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
	)
	nb, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil {
		t.Fatal(err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 65537}
	k, err := jwk.Import(pub)
	if err != nil {
		t.Fatal(err)
	}
	got, err := thumbprint(k)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("thumbprint = %s, want %s", got, want)
	}
	if hand := canonicalThumbprint(t, pub); hand != want {
		t.Errorf("test helper canonicalThumbprint = %s, want %s", hand, want)
	}
}

// TestGenerate checks each algorithm's key type and that the kid is the
// RFC 7638 thumbprint computed independently.
func TestGenerate(t *testing.T) {
	tests := []struct {
		alg     string
		wantKty string
	}{
		{ES256, "EC"},
		{EdDSA, "OKP"},
		{RS256, "RSA"},
		{PS256, "RSA"},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			k := mustGenerate(t, tt.alg, t0, t0.Add(1))
			if k.Alg != tt.alg || !k.Created.Equal(t0) || !k.ActivateAt.Equal(t0.Add(1)) {
				t.Errorf("key = %s %v %v", k.Alg, k.Created, k.ActivateAt)
			}
			if want := canonicalThumbprint(t, k.Public()); k.Kid != want {
				t.Errorf("kid = %s, want thumbprint %s", k.Kid, want)
			}
			if !bytes.Contains(k.PublicJWK(), []byte(`"kty":"`+tt.wantKty+`"`)) {
				t.Errorf("JWK %s lacks kty %s", k.PublicJWK(), tt.wantKty)
			}
			if r, ok := k.Public().(*rsa.PublicKey); ok && r.N.BitLen() != 2048 {
				t.Errorf("RSA modulus %d bits, want 2048", r.N.BitLen())
			}
		})
	}
}

func TestGenerateRejectsAlgorithm(t *testing.T) {
	for _, alg := range []string{"", "none", "HS256", "es256", "ES384", "RS512", "ES256K", "Ed25519"} {
		t.Run(alg, func(t *testing.T) {
			if _, err := Generate(alg, t0, t0); !errors.Is(err, ErrUnsupportedAlg) {
				t.Errorf("Generate(%q) err = %v, want ErrUnsupportedAlg", alg, err)
			}
		})
	}
}

// TestMarshalLoadRoundTrip checks that a persisted key comes back with the
// same kid, schedule and key material, and still signs.
func TestMarshalLoadRoundTrip(t *testing.T) {
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			k := cachedKey(t, alg)
			der, err := k.MarshalPrivate()
			if err != nil {
				t.Fatal(err)
			}
			created, at := t0.Add(-time.Hour), t0.Add(time.Hour)
			got, err := LoadKey(alg, created, at, der)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kid != k.Kid || got.Alg != alg || !got.Created.Equal(created) || !got.ActivateAt.Equal(at) {
				t.Errorf("loaded %s %s %v %v", got.Kid, got.Alg, got.Created, got.ActivateAt)
			}
			if !bytes.Equal(got.PublicJWK(), k.PublicJWK()) {
				t.Errorf("public JWK differs:\n%s\n%s", got.PublicJWK(), k.PublicJWK())
			}
			again, err := got.MarshalPrivate()
			if err != nil || !bytes.Equal(again, der) {
				t.Errorf("re-marshal differs (err %v)", err)
			}
			got.ActivateAt = t0
			r := NewRing([]*Key{got}, Options{Now: newClock(t0).Now})
			tok, _, err := r.Sign(alg, "at+jwt", []byte(`{"sub":"x"}`))
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := NewRing([]*Key{k}, Options{Now: newClock(t0).Now}).JWKS()
			if _, err := verifyJWX(doc, tok); err != nil {
				t.Errorf("token from loaded key does not verify with original's JWKS: %v", err)
			}
		})
	}
}

func TestLoadKeyRejects(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der := func(k any) []byte {
		b, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	es, _ := cachedKey(t, ES256).MarshalPrivate()
	ed, _ := cachedKey(t, EdDSA).MarshalPrivate()
	rs, _ := cachedKey(t, RS256).MarshalPrivate()
	tests := []struct {
		name string
		alg  string
		der  []byte
		want error
	}{
		{"unsupported alg", "HS256", es, ErrUnsupportedAlg},
		{"empty bytes", ES256, nil, ErrMalformedKey},
		{"garbage", ES256, []byte("not a key"), ErrMalformedKey},
		{"truncated", ES256, es[:len(es)-3], ErrMalformedKey},
		{"EC key as EdDSA", EdDSA, es, ErrKeyMismatch},
		{"Ed25519 key as ES256", ES256, ed, ErrKeyMismatch},
		{"RSA key as ES256", ES256, rs, ErrKeyMismatch},
		{"EC key as RS256", RS256, es, ErrKeyMismatch},
		{"P-384 key as ES256", ES256, der(p384), ErrKeyMismatch},
		{"RSA 1024 as RS256", RS256, der(rsa1024), ErrWeakKey},
		{"RSA 1024 as PS256", PS256, der(rsa1024), ErrWeakKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadKey(tt.alg, t0, t0, tt.der)
			if !errors.Is(err, tt.want) || k != nil {
				t.Errorf("LoadKey = %v, %v; want %v", k, err, tt.want)
			}
		})
	}
}

// FuzzLoadKey checks that arbitrary bytes never panic LoadKey and that
// whatever loads has a kid matching its public key.
func FuzzLoadKey(f *testing.F) {
	for _, alg := range algs {
		der, err := cachedKey(f, alg).MarshalPrivate()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(alg, der)
	}
	f.Add(ES256, []byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, alg string, der []byte) {
		k, err := LoadKey(alg, t0, t0, der)
		if err != nil {
			return
		}
		if k.Kid != canonicalThumbprint(t, k.Public()) {
			t.Errorf("kid %s does not match public key", k.Kid)
		}
	})
}
