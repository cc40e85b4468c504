package jwks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"sync"
	"testing"
)

var b64url = base64.RawURLEncoding

// testRSA is one 2048-bit key shared by the tests (generation is slow).
var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func mustEC(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fixed returns the big-endian bytes of n left-padded to size.
func fixed(n *big.Int, size int) []byte { return n.FillBytes(make([]byte, size)) }

// ecJWK returns the members of a public EC JWK for k, without braces.
func ecJWK(k *ecdsa.PrivateKey) string {
	return `"kty":"EC","crv":"P-256","x":"` + b64url.EncodeToString(fixed(k.X, 32)) +
		`","y":"` + b64url.EncodeToString(fixed(k.Y, 32)) + `"`
}

func okpJWK(pub ed25519.PublicKey) string {
	return `"kty":"OKP","crv":"Ed25519","x":"` + b64url.EncodeToString(pub) + `"`
}

func rsaJWK(k *rsa.PublicKey) string {
	return `"kty":"RSA","n":"` + b64url.EncodeToString(k.N.Bytes()) +
		`","e":"` + b64url.EncodeToString(big.NewInt(int64(k.E)).Bytes()) + `"`
}

// set wraps JWK member lists into a JWK set document.
func set(keys ...string) []byte {
	return []byte(`{"keys":[{` + strings.Join(keys, `},{`) + `}]}`)
}

func sha256b64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return b64url.EncodeToString(sum[:])
}
