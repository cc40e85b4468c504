package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// secretHashPrefix versions the hash format so it can change without a flag day.
const secretHashPrefix = "sha256:"

// NewSecret returns a fresh client secret (256 bits from crypto/rand,
// base64url without padding) and the hash to store in its place. The secret
// is shown to the operator once and never stored.
func NewSecret() (secret string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("store: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret)
}

// HashSecret returns the stored form of a server-generated secret. A single
// SHA-256 suffices because the secret carries 256 bits of entropy: there is no
// dictionary to search, so a slow password hash would only slow the token
// endpoint (see RATIONALE.md).
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	out := make([]byte, 0, len(secretHashPrefix)+len(sum))
	out = append(out, secretHashPrefix...)
	return append(out, sum[:]...)
}

// VerifySecret reports whether secret matches hash, in time independent of
// where they differ.
func VerifySecret(hash []byte, secret string) bool {
	if len(hash) != len(secretHashPrefix)+sha256.Size || string(hash[:len(secretHashPrefix)]) != secretHashPrefix {
		return false
	}
	sum := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(hash[len(secretHashPrefix):], sum[:]) == 1
}
