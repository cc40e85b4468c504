package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Top-level buckets. Keys are raw bytes; values are JSON unless noted. The
// ones marked "user flows" are created empty now so that their code (issue 4)
// adds methods without a schema migration; the layout given for them is the
// intended one.
var (
	// bucketMeta: "schema" → version; "kek_check" → a value sealed under
	// the KEK, used by Open to reject a wrong KEK.
	bucketMeta = []byte("meta")
	// bucketClients: client_id → Client.
	bucketClients = []byte("clients")
	// bucketClientNames: name → client_id (uniqueness index).
	bucketClientNames = []byte("client_names")
	// bucketUsers: user id → User.
	bucketUsers = []byte("users")
	// bucketUsernames: username → user id (uniqueness index).
	bucketUsernames = []byte("usernames")
	// bucketKeys: kid → sealedKey.
	bucketKeys = []byte("keys")

	// bucketCodes (user flows): SHA-256(code) → authorization code record
	// (client, user, redirect_uri, PKCE challenge, scope, nonce, auth_time,
	// expiry, redeemed flag and the jtis issued from it for replay revocation).
	bucketCodes = []byte("codes")
	// bucketRefreshFamilies (user flows): family id → family record
	// (client, user, scope, current generation, revoked flag).
	bucketRefreshFamilies = []byte("refresh_families")
	// bucketRefreshTokens (user flows): SHA-256(refresh token) → family id
	// and generation; a token whose generation is not the family's current
	// one is a reuse and revokes the family.
	bucketRefreshTokens = []byte("refresh_tokens")
	// bucketConsents (user flows): user id 0x00 client_id → granted scopes
	// and time (the approval_prompt=auto check).
	bucketConsents = []byte("consents")
	// bucketRevocations (user flows): jti → expiry of a revoked access
	// token, published at /o/revoked until it expires.
	bucketRevocations = []byte("revocations")
	// bucketSessions (user flows): SHA-256(session id) → login session
	// (user, auth_time, expiry).
	bucketSessions = []byte("sessions")
)

var allBuckets = [][]byte{
	bucketMeta, bucketClients, bucketClientNames, bucketUsers, bucketUsernames, bucketKeys,
	bucketCodes, bucketRefreshFamilies, bucketRefreshTokens, bucketConsents, bucketRevocations, bucketSessions,
}

// schemaVersion is written to bucketMeta["schema"]; bump it with a migration.
const schemaVersion = "1"

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("store: create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	switch v := meta.Get([]byte("schema")); {
	case v == nil:
		return meta.Put([]byte("schema"), []byte(schemaVersion))
	case string(v) != schemaVersion:
		return fmt.Errorf("store: database schema %q, this build reads %q", v, schemaVersion)
	}
	return nil
}

// get decodes the JSON record under key in bucket into v, or returns
// ErrNotFound wrapped with what.
func get(tx *bolt.Tx, bucket []byte, key string, v any, what string) error {
	raw := tx.Bucket(bucket).Get([]byte(key))
	if raw == nil {
		return fmt.Errorf("%w: %s %q", ErrNotFound, what, key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: corrupt %s record %q: %w", what, key, err)
	}
	return nil
}

// put stores v as JSON under key in bucket.
func put(tx *bolt.Tx, bucket []byte, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode: %w", err)
	}
	return tx.Bucket(bucket).Put([]byte(key), raw)
}
