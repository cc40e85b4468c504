package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxSessionIDLen bounds a session id presented to the store; real ones are
// 43 characters (256 bits in base64url).
const maxSessionIDLen = 256

// sessionKey is the bucket key of a session: the SHA-256 of its id, so a
// copy of the database holds no usable cookie.
func sessionKey(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}

// CreateSession implements SessionStore.
func (d *DB) CreateSession(id string, s *Session) error {
	switch {
	case len(id) < 32 || len(id) > maxSessionIDLen:
		return invalid("session id: want 32-%d bytes", maxSessionIDLen)
	case s.UserID == "":
		return invalid("session without a user")
	case s.Expires.IsZero():
		return invalid("session without an expiry")
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("store: encode: %w", err)
	}
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		k := sessionKey(id)
		if b.Get(k) != nil {
			return fmt.Errorf("%w: session id", ErrDuplicate)
		}
		return b.Put(k, raw)
	})
}

// Session implements SessionStore.
func (d *DB) Session(id string) (*Session, error) {
	if len(id) > maxSessionIDLen {
		return nil, fmt.Errorf("%w: session", ErrNotFound)
	}
	s := new(Session)
	err := d.view(func(tx *bolt.Tx) error {
		return getRaw(tx.Bucket(bucketSessions), sessionKey(id), s, "session")
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// TouchSession implements SessionStore.
func (d *DB) TouchSession(id string, expires time.Time) error {
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		k := sessionKey(id)
		var s Session
		if err := getRaw(b, k, &s, "session"); err != nil {
			return err
		}
		s.Expires = expires
		return putRaw(b, k, &s)
	})
}

// DeleteSession implements SessionStore.
func (d *DB) DeleteSession(id string) error {
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		k := sessionKey(id)
		if b.Get(k) == nil {
			return fmt.Errorf("%w: session", ErrNotFound)
		}
		return b.Delete(k)
	})
}

// DeleteExpiredSessions implements SessionStore. A record that no longer
// decodes is deleted too: nobody can use it.
func (d *DB) DeleteExpiredSessions(now time.Time) (int, error) {
	n := 0
	err := d.update(func(tx *bolt.Tx) (err error) {
		n, err = deleteSessions(tx, func(s *Session, decoded bool) bool { return !decoded || !now.Before(s.Expires) })
		return err
	})
	return n, err
}

// deleteUserSessions deletes every session of userID.
func deleteUserSessions(tx *bolt.Tx, userID string) error {
	_, err := deleteSessions(tx, func(s *Session, decoded bool) bool { return decoded && s.UserID == userID })
	return err
}

// deleteSessions deletes, in tx, every session for which dead holds
// (decoded: whether its record decodes), and returns how many.
func deleteSessions(tx *bolt.Tx, dead func(s *Session, decoded bool) bool) (int, error) {
	b := tx.Bucket(bucketSessions)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s Session
		if dead(&s, json.Unmarshal(v, &s) == nil) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// getRaw decodes the JSON record under a binary key, or returns ErrNotFound
// wrapped with what.
func getRaw(b *bolt.Bucket, key []byte, v any, what string) error {
	raw := b.Get(key)
	if raw == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, what)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: corrupt %s record: %w", what, err)
	}
	return nil
}

// putRaw stores v as JSON under a binary key.
func putRaw(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode: %w", err)
	}
	return b.Put(key, raw)
}
