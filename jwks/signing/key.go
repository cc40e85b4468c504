package signing

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Key is one signing key: its identity, its schedule and its private half.
//
// Kid is the RFC 7638 JWK thumbprint (SHA-256, base64url without padding)
// of the public key, so the same key always has the same kid in every
// process. Created is when the key was generated; ActivateAt is when it
// starts signing (see [Ring] for how the state follows from it).
//
// A Key's exported fields describe it; changing them after [Generate] or
// [LoadKey] does not re-derive the kid. [Ring.Add] takes a copy, so later
// changes to a Key never reach a Ring.
type Key struct {
	Kid        string
	Alg        string
	Created    time.Time
	ActivateAt time.Time

	signer crypto.Signer
	jwk    []byte // public JWK JSON: kty, key parameters, kid, alg, use
}

// Generate creates a new key for alg (one of [ES256], [EdDSA], [RS256],
// [PS256]; RSA keys have 2048 bits). now becomes Created; activateAt is
// when the key starts signing. Use [Ring.Rotate] to get activateAt right.
func Generate(alg string, now, activateAt time.Time) (*Key, error) {
	if !Supported(alg) {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	s, err := generateSigner(alg)
	if err != nil {
		return nil, fmt.Errorf("signing: generate %s key: %w", alg, err)
	}
	return newKey(alg, now, activateAt, s)
}

// LoadKey rebuilds a key persisted with [Key.MarshalPrivate]. The kid is
// recomputed from the key material, never trusted from storage. It fails
// with [ErrUnsupportedAlg], [ErrMalformedKey], [ErrKeyMismatch] or
// [ErrWeakKey].
func LoadKey(alg string, created, activateAt time.Time, pkcs8 []byte) (*Key, error) {
	if !Supported(alg) {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	raw, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	if err := checkSigner(alg, raw); err != nil {
		return nil, err
	}
	return newKey(alg, created, activateAt, raw.(crypto.Signer))
}

// MarshalPrivate returns the private key as PKCS #8 DER. The result is
// secret: the store encrypts it before writing it anywhere.
func (k *Key) MarshalPrivate() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, fmt.Errorf("signing: marshal private key %s: %w", k.Kid, err)
	}
	return der, nil
}

// Public returns the public key: *ecdsa.PublicKey, ed25519.PublicKey or
// *rsa.PublicKey.
func (k *Key) Public() crypto.PublicKey { return k.signer.Public() }

// PublicJWK returns the public key as a JWK JSON object with kid, alg and
// "use":"sig". It never contains private members. The caller must not
// modify the returned slice.
func (k *Key) PublicJWK() []byte { return k.jwk }

// newKey derives the kid and the public JWK of s.
func newKey(alg string, created, activateAt time.Time, s crypto.Signer) (*Key, error) {
	if err := checkSigner(alg, s); err != nil {
		return nil, err
	}
	pub, err := jwk.Import(s.Public())
	if err != nil {
		return nil, fmt.Errorf("signing: import public key: %w", err)
	}
	kid, err := thumbprint(pub)
	if err != nil {
		return nil, err
	}
	sa, _ := jwa.LookupSignatureAlgorithm(alg)
	for _, f := range []struct {
		name string
		v    any
	}{{jwk.KeyIDKey, kid}, {jwk.AlgorithmKey, sa}, {jwk.KeyUsageKey, "sig"}} {
		if err := pub.Set(f.name, f.v); err != nil {
			return nil, fmt.Errorf("signing: set %s: %w", f.name, err)
		}
	}
	doc, err := json.Marshal(pub)
	if err != nil {
		return nil, fmt.Errorf("signing: marshal public JWK: %w", err)
	}
	return &Key{Kid: kid, Alg: alg, Created: created, ActivateAt: activateAt, signer: s, jwk: doc}, nil
}

// thumbprint returns the RFC 7638 SHA-256 thumbprint of pub, base64url
// encoded without padding: the kid.
func thumbprint(pub jwk.Key) (string, error) {
	sum, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}
