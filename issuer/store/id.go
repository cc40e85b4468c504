package store

import (
	"crypto/rand"
	"encoding/base64"
)

// idBytes is the entropy of generated client and user ids: 192 bits, 32
// base64url characters.
const idBytes = 24

// NewID returns a random URL-safe identifier (192 bits from crypto/rand,
// base64url without padding), as used for client and user ids. It never
// starts with '-', so an id is never mistaken for a command-line flag.
func NewID() string {
	var b [idBytes]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("store: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
		}
		if id := base64.RawURLEncoding.EncodeToString(b[:]); id[0] != '-' {
			return id
		}
	}
}
