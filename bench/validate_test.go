package bench

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"testing"
)

// BenchmarkValidate compares one validation of an issuer-minted RFC 9068
// access token (kid, typ at+jwt, three scopes) for GET /things across
// implementations, per algorithm:
//
//   - cached: the same token again. Tollgate answers from its verified-token
//     cache; golang-jwt and jwx have no cache, so their cached and
//     uncached runs do the same work.
//   - uncached: the cache is off, so every call parses and verifies in
//     full (the same as a new token each time).
//
// Implementations: native (the core in Go), wazero (validator.wasm in the
// edge host, signature checked by the host's crypto import — the
// default), wazero-guestcrypto (the guest verifies with its own
// WebAssembly crypto, as in hosts without the import), wazero-tinygo
// (validator-tinygo.wasm, host crypto), golang-jwt (v5) and jwx (v3).
func BenchmarkValidate(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) {
			for _, alg := range Algorithms {
				for _, cached := range []bool{true, false} {
					mode := "uncached"
					if cached {
						mode = "cached"
					}
					b.Run(alg+"/"+mode, func(b *testing.B) {
						tok := mustToken(b, alg)
						validate := im.setup(b, cached)
						if _, err := validate(tok); err != nil { // warm: fills the cache
							b.Fatal(err)
						}
						b.ReportAllocs()
						b.SetBytes(int64(len(tok)))
						for b.Loop() {
							if _, err := validate(tok); err != nil {
								b.Fatal(err)
							}
						}
						b.StopTimer()
						hit, err := validate(tok)
						if err != nil || (im.hasCache && hit != cached) {
							b.Fatalf("after the loop: cache hit %v, want %v (err %v)", hit, cached, err)
						}
					})
				}
			}
		})
	}
}

// BenchmarkRawVerify is the standard library's signature check of the
// same tokens alone — SHA-256 of the signing input and the public-key
// operation — the floor under every validator above.
func BenchmarkRawVerify(b *testing.B) {
	f := mustFixture(b)
	for _, alg := range Algorithms {
		b.Run(alg, func(b *testing.B) {
			tok := mustToken(b, alg)
			dot := bytes.LastIndexByte(tok, '.')
			msg := tok[:dot]
			sig, err := base64.RawURLEncoding.DecodeString(string(tok[dot+1:]))
			if err != nil {
				b.Fatal(err)
			}
			verify := rawVerifier(alg, f.Key(alg).Public())
			if !verify(msg, sig) {
				b.Fatal("signature does not verify")
			}
			b.ReportAllocs()
			for b.Loop() {
				if !verify(msg, sig) {
					b.Fatal("signature does not verify")
				}
			}
		})
	}
}

// rawVerifier returns the standard library's check for alg.
func rawVerifier(alg string, pub crypto.PublicKey) func(msg, sig []byte) bool {
	switch alg {
	case "ES256":
		k := pub.(*ecdsa.PublicKey)
		return func(msg, sig []byte) bool {
			h := sha256.Sum256(msg)
			r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
			return ecdsa.Verify(k, h[:], r, s)
		}
	case "EdDSA":
		k := pub.(ed25519.PublicKey)
		return func(msg, sig []byte) bool { return ed25519.Verify(k, msg, sig) }
	case "RS256":
		k := pub.(*rsa.PublicKey)
		return func(msg, sig []byte) bool {
			h := sha256.Sum256(msg)
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil
		}
	case "PS256":
		k := pub.(*rsa.PublicKey)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		return func(msg, sig []byte) bool {
			h := sha256.Sum256(msg)
			return rsa.VerifyPSS(k, crypto.SHA256, h[:], sig, opts) == nil
		}
	}
	panic("bench: no raw verifier for " + alg)
}
