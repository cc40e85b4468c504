package jwks

import (
	"bytes"
	"crypto"
)

// Algorithms a Key can verify (RFC 7518 §3.1, RFC 8037 §3.1).
const (
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
	PS256 = "PS256" // RSASSA-PSS with SHA-256, MGF1 SHA-256, 32-byte salt
	ES256 = "ES256" // ECDSA P-256 with SHA-256, raw r‖s signature
	EdDSA = "EdDSA" // Ed25519
	HS256 = "HS256" // HMAC SHA-256 with a symmetric key
)

// Key is a parsed, validated public JWK (or, with Options.AllowOct, a
// symmetric HS256 key). Fields hold the decoded member values; a Key from
// Parse is never modified afterwards and is safe for concurrent reads.
type Key struct {
	Kty string // "EC", "OKP", "RSA" or "oct"
	Kid string // "" when the JWK has none: such a key is never selected by kid
	Alg string // "" when the JWK names none: the key serves every algorithm of its type
	Use string // "" or "sig"
	Crv string // "P-256" or "Ed25519"; "" for RSA and oct

	X, Y []byte // EC coordinates (32 bytes each); OKP: X is the Ed25519 public key
	N, E []byte // RSA modulus and public exponent, big-endian without leading zeros
	K    []byte // oct only: the secret

	// Public is the key for the standard library's verifiers:
	// *ecdsa.PublicKey, ed25519.PublicKey or *rsa.PublicKey; nil for oct.
	Public crypto.PublicKey
}

// Supports reports whether k may verify signatures made with alg: the key
// type (and curve) must be the one alg requires, and the key's own alg, when
// present, must equal alg.
func (k *Key) Supports(alg string) bool {
	if k == nil || (k.Alg != "" && k.Alg != alg) {
		return false
	}
	switch alg {
	case RS256, PS256:
		return k.Kty == "RSA"
	case ES256:
		return k.Kty == "EC" && k.Crv == "P-256"
	case EdDSA:
		return k.Kty == "OKP" && k.Crv == "Ed25519"
	case HS256:
		return k.Kty == "oct"
	}
	return false
}

// Equal reports whether k and o are the same key: same kid, alg, use, type
// and key material.
func (k *Key) Equal(o *Key) bool {
	if k == nil || o == nil {
		return k == o
	}
	return k.Kty == o.Kty && k.Kid == o.Kid && k.Alg == o.Alg && k.Use == o.Use && k.Crv == o.Crv &&
		bytes.Equal(k.X, o.X) && bytes.Equal(k.Y, o.Y) && bytes.Equal(k.N, o.N) &&
		bytes.Equal(k.E, o.E) && bytes.Equal(k.K, o.K)
}

// supportedAlg reports whether alg is one of the algorithms above.
func supportedAlg(alg string) bool {
	switch alg {
	case RS256, PS256, ES256, EdDSA, HS256:
		return true
	}
	return false
}
