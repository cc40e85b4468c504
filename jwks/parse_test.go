package jwks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"

	"github.com/tollgate/tollgate/jwks/strictjson"
)

func TestParse(t *testing.T) {
	ec := mustEC(t)
	ecKey := ecJWK(ec)
	edPub, _, _ := ed25519.GenerateKey(nil)
	edKey := okpJWK(edPub)
	rk := &testRSA().PublicKey
	rsaKey := rsaJWK(rk)
	n := b64url.EncodeToString(rk.N.Bytes())
	x := b64url.EncodeToString(fixed(ec.X, 32))
	y := b64url.EncodeToString(fixed(ec.Y, 32))
	secret := `"kty":"oct","alg":"HS256","k":"` + b64url.EncodeToString(make([]byte, 32)) + `"`
	// An off-curve point: y+1.
	badY := b64url.EncodeToString(fixed(new(big.Int).Add(ec.Y, big.NewInt(1)), 32))
	// A modulus with the same size but even.
	evenN := new(big.Int).SetBit(rk.N, 0, 0)

	tests := []struct {
		name    string
		doc     []byte
		opts    *Options
		keys    int   // usable keys on success
		ignored int   // skipped keys on success
		err     error // nil: success
	}{
		{"ec", set(`"kid":"a",` + ecKey), nil, 1, 0, nil},
		{"okp", set(`"kid":"a",` + edKey), nil, 1, 0, nil},
		{"rsa", set(`"kid":"a",` + rsaKey), nil, 1, 0, nil},
		{"all three with alg and use", set(`"kid":"a","alg":"ES256","use":"sig",`+ecKey,
			`"kid":"b","alg":"EdDSA",`+edKey, `"kid":"c","alg":"PS256",`+rsaKey), nil, 3, 0, nil},
		{"empty set", []byte(`{"keys":[]}`), nil, 0, 0, nil},
		{"extra top-level members", []byte(`{"keys":[],"x":1}`), nil, 0, 0, nil},
		{"unknown members ignored", set(`"kid":"a","x5c":["MII="],"ext":true,` + ecKey), nil, 1, 0, nil},
		{"key_ops verify", set(`"key_ops":["verify"],` + ecKey), nil, 1, 0, nil},
		{"keys without kid", set(ecKey, edKey), nil, 2, 0, nil},

		{"use enc skipped", set(`"use":"enc",` + rsaKey), nil, 0, 1, nil},
		{"key_ops encrypt skipped", set(`"key_ops":["encrypt"],` + ecKey), nil, 0, 1, nil},
		{"unsupported alg skipped", set(`"alg":"RS512",` + rsaKey), nil, 0, 1, nil},
		{"P-384 skipped", set(`"kty":"EC","crv":"P-384","x":"AA","y":"AA"`), nil, 0, 1, nil},
		{"X25519 skipped", set(`"kty":"OKP","crv":"X25519","x":"AA"`), nil, 0, 1, nil},
		{"unknown kty skipped", set(`"kty":"AKP","alg":"ML-DSA-44"`), nil, 0, 1, nil},
		{"skipped beside usable", set(`"kid":"a",`+ecKey, `"kid":"a","use":"enc",`+rsaKey), nil, 1, 1, nil},

		{"not json", []byte(`{"keys":[`), nil, 0, 0, ErrMalformed},
		{"array", []byte(`[]`), nil, 0, 0, ErrNotSet},
		{"no keys", []byte(`{}`), nil, 0, 0, ErrNotSet},
		{"keys not array", []byte(`{"keys":{}}`), nil, 0, 0, ErrNotSet},
		{"key not object", []byte(`{"keys":[1]}`), nil, 0, 0, ErrMemberType},
		{"duplicate member", set(`"kid":"a","kid":"b",` + ecKey), nil, 0, 0, strictjson.ErrDuplicateKey},
		{"duplicate keys member", []byte(`{"keys":[],"keys":[]}`), nil, 0, 0, strictjson.ErrDuplicateKey},
		{"trailing data", append(set(ecKey), 'x'), nil, 0, 0, strictjson.ErrTrailingData},
		{"missing kty", set(`"crv":"P-256","x":"` + x + `","y":"` + y + `"`), nil, 0, 0, ErrMissingMember},
		{"kty not string", set(`"kty":1`), nil, 0, 0, ErrMemberType},
		{"kid not string", set(`"kid":7,` + ecKey), nil, 0, 0, ErrMemberType},
		{"key_ops not array of strings", set(`"key_ops":[1],` + ecKey), nil, 0, 0, ErrMemberType},
		{"duplicate kid", set(`"kid":"a",`+ecKey, `"kid":"a",`+edKey), nil, 0, 0, ErrDuplicateKid},

		{"private d in EC", set(ecKey + `,"d":"AA"`), nil, 0, 0, ErrPrivateMember},
		{"private p in RSA", set(rsaKey + `,"p":"AA"`), nil, 0, 0, ErrPrivateMember},
		{"private d in skipped key", set(`"use":"enc",` + ecKey + `,"d":"AA"`), nil, 0, 0, ErrPrivateMember},
		{"oct not allowed", set(secret), nil, 0, 0, ErrOctNotAllowed},
		{"oct enc not allowed either", set(`"use":"enc",` + secret), nil, 0, 0, ErrOctNotAllowed},
		{"oct allowed", set(`"kid":"h",` + secret), &Options{AllowOct: true}, 1, 0, nil},
		{"oct short", set(`"kty":"oct","alg":"HS256","k":"` + b64url.EncodeToString(make([]byte, 31)) + `"`), &Options{AllowOct: true}, 0, 0, ErrKeySize},
		{"oct empty", set(`"kty":"oct","alg":"HS256","k":""`), &Options{AllowOct: true}, 0, 0, ErrKeySize},
		{"oct without alg", set(`"kty":"oct","k":"` + b64url.EncodeToString(make([]byte, 32)) + `"`), &Options{AllowOct: true}, 0, 0, ErrAlgMismatch},

		{"ec alg mismatch", set(`"alg":"RS256",` + ecKey), nil, 0, 0, ErrAlgMismatch},
		{"rsa alg mismatch", set(`"alg":"EdDSA",` + rsaKey), nil, 0, 0, ErrAlgMismatch},
		{"okp alg mismatch", set(`"alg":"ES256",` + edKey), nil, 0, 0, ErrAlgMismatch},
		{"ec missing crv", set(`"kty":"EC","x":"` + x + `","y":"` + y + `"`), nil, 0, 0, ErrMissingMember},
		{"ec missing y", set(`"kty":"EC","crv":"P-256","x":"` + x + `"`), nil, 0, 0, ErrMissingMember},
		{"ec off curve", set(`"kty":"EC","crv":"P-256","x":"` + x + `","y":"` + badY + `"`), nil, 0, 0, ErrPointNotOnCurve},
		{"ec x impossible length", set(`"kty":"EC","crv":"P-256","x":"` + x[:41] + `","y":"` + y + `"`), nil, 0, 0, ErrBase64},
		{"ec x 31 bytes", set(`"kty":"EC","crv":"P-256","x":"` + b64url.EncodeToString(make([]byte, 31)) + `","y":"` + y + `"`), nil, 0, 0, ErrKeySize},
		{"ec x 33 bytes", set(`"kty":"EC","crv":"P-256","x":"` + b64url.EncodeToString(append([]byte{0}, fixed(ec.X, 32)...)) + `","y":"` + y + `"`), nil, 0, 0, ErrKeySize},
		{"ec padded", set(`"kty":"EC","crv":"P-256","x":"` + x + `=","y":"` + y + `"`), nil, 0, 0, ErrBase64},
		{"ec std alphabet", set(`"kty":"EC","crv":"P-256","x":"+` + x[1:] + `","y":"` + y + `"`), nil, 0, 0, ErrBase64},
		{"oct mixed with public keys", set(`"kid":"h",`+secret, `"kid":"e",`+ecKey), &Options{AllowOct: true}, 0, 0, ErrMixedKeySet},
		{"okp short", set(`"kty":"OKP","crv":"Ed25519","x":"AAAA"`), nil, 0, 0, ErrKeySize},
		{"rsa 1024", set(`"kty":"RSA","e":"AQAB","n":"` + n[:171] + `w"`), nil, 0, 0, ErrKeySize},
		{"rsa leading zero n", set(`"kty":"RSA","e":"AQAB","n":"` + b64url.EncodeToString(append([]byte{0}, rk.N.Bytes()...)) + `"`), nil, 0, 0, ErrRSAModulus},
		{"rsa even n", set(`"kty":"RSA","e":"AQAB","n":"` + b64url.EncodeToString(evenN.Bytes()) + `"`), nil, 0, 0, ErrRSAModulus},
		{"rsa e=1", set(`"kty":"RSA","e":"AQ","n":"` + n + `"`), nil, 0, 0, ErrRSAExponent},
		{"rsa e even", set(`"kty":"RSA","e":"AQAA","n":"` + n + `"`), nil, 0, 0, ErrRSAExponent},
		{"rsa e leading zero", set(`"kty":"RSA","e":"AAEAAQ","n":"` + n + `"`), nil, 0, 0, ErrRSAExponent},
		{"rsa e too big", set(`"kty":"RSA","e":"AQAAAAE","n":"` + n + `"`), nil, 0, 0, ErrRSAExponent},
		{"rsa e missing", set(`"kty":"RSA","n":"` + n + `"`), nil, 0, 0, ErrMissingMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseWithOptions(tt.doc, tt.opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if len(s.Keys) != tt.keys || s.Ignored != tt.ignored {
				t.Fatalf("keys %d ignored %d, want %d %d", len(s.Keys), s.Ignored, tt.keys, tt.ignored)
			}
		})
	}
}

func TestParsedKeys(t *testing.T) {
	ec := mustEC(t)
	edPub, _, _ := ed25519.GenerateKey(nil)
	rk := &testRSA().PublicKey
	s, err := Parse(set(`"kid":"e",`+ecJWK(ec), `"kid":"o",`+okpJWK(edPub), `"kid":"r","alg":"RS256",`+rsaJWK(rk)))
	if err != nil {
		t.Fatal(err)
	}
	if pub, ok := s.Lookup("e").Public.(*ecdsa.PublicKey); !ok || !pub.Equal(&ec.PublicKey) {
		t.Errorf("EC public key = %#v", s.Lookup("e").Public)
	}
	if pub, ok := s.Lookup("o").Public.(ed25519.PublicKey); !ok || !pub.Equal(edPub) {
		t.Errorf("OKP public key = %#v", s.Lookup("o").Public)
	}
	if pub, ok := s.Lookup("r").Public.(*rsa.PublicKey); !ok || !pub.Equal(rk) {
		t.Errorf("RSA public key = %#v", s.Lookup("r").Public)
	}
	if s.Lookup("x") != nil || s.Lookup("") != nil || s.LookupBytes([]byte("r")) != s.Lookup("r") {
		t.Error("Lookup of unknown/empty kid or LookupBytes mismatch")
	}
	supports := map[string][]string{"e": {ES256}, "o": {EdDSA}, "r": {RS256}}
	for kid, algs := range supports {
		for _, alg := range []string{RS256, PS256, ES256, EdDSA, HS256, "none", ""} {
			want := false
			for _, a := range algs {
				want = want || a == alg
			}
			if got := s.Lookup(kid).Supports(alg); got != want {
				t.Errorf("key %s Supports(%q) = %v, want %v", kid, alg, got, want)
			}
		}
	}
	// An RSA key without alg serves both RSA algorithms.
	noAlg, _ := ParseKey([]byte(`{`+rsaJWK(rk)+`}`), nil)
	if !noAlg.Supports(RS256) || !noAlg.Supports(PS256) {
		t.Error("RSA key without alg does not support RS256 and PS256")
	}
	if _, err := ParseKey([]byte(`{"use":"enc",`+rsaJWK(rk)+`}`), nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ParseKey(enc key) err = %v", err)
	}
	// Equal compares material, not identity.
	again, _ := Parse(set(`"kid":"e",` + ecJWK(ec)))
	if !again.Lookup("e").Equal(s.Lookup("e")) || again.Lookup("e").Equal(s.Lookup("o")) {
		t.Error("Equal")
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse(set(`"kty":"EC","crv":"P-256","x":"AA="`))
	const want = `jwks: member is not canonical unpadded base64url: keys[0]: member "x"`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}
