package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) a [Key] can sign with.
const (
	ES256 = "ES256" // ECDSA P-256 with SHA-256; the default
	EdDSA = "EdDSA" // Ed25519
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
	PS256 = "PS256" // RSASSA-PSS with SHA-256, salt length 32
)

// DefaultAlg is the algorithm used when the caller has no preference.
const DefaultAlg = ES256

// rsaBits is the modulus size of generated RSA keys and the minimum
// accepted by [LoadKey].
const rsaBits = 2048

// algs lists the supported algorithms in their canonical order, which is
// the order [Ring.Algorithms] and [Ring.States] report them in.
var algs = [...]string{ES256, EdDSA, RS256, PS256}

// algIndex returns the position of alg in algs, or -1 when alg is not
// supported. Matching is exact: "es256" is not ES256.
func algIndex(alg string) int {
	switch alg {
	case ES256:
		return 0
	case EdDSA:
		return 1
	case RS256:
		return 2
	case PS256:
		return 3
	}
	return -1
}

// Supported reports whether alg is one of the algorithms this package signs with.
func Supported(alg string) bool { return algIndex(alg) >= 0 }

// SupportedAlgorithms returns the supported algorithms, [DefaultAlg] first.
func SupportedAlgorithms() []string { return append([]string(nil), algs[:]...) }

// generateSigner creates a fresh private key for alg.
func generateSigner(alg string) (crypto.Signer, error) {
	switch alg {
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	case RS256, PS256:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
}

// checkSigner reports whether s is a key alg can sign with.
func checkSigner(alg string, s any) error {
	switch alg {
	case ES256:
		k, ok := s.(*ecdsa.PrivateKey)
		if !ok || k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: %s needs an ECDSA P-256 key, got %T", ErrKeyMismatch, alg, s)
		}
	case EdDSA:
		if _, ok := s.(ed25519.PrivateKey); !ok {
			return fmt.Errorf("%w: %s needs an Ed25519 key, got %T", ErrKeyMismatch, alg, s)
		}
	case RS256, PS256:
		k, ok := s.(*rsa.PrivateKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an RSA key, got %T", ErrKeyMismatch, alg, s)
		}
		if k.N.BitLen() < rsaBits {
			return fmt.Errorf("%w: %d bits", ErrWeakKey, k.N.BitLen())
		}
	default:
		return fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	return nil
}
