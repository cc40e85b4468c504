package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The revocations bucket maps jti → Revocation (JSON). Its bbolt sequence
// is the set's version: every transaction that adds or removes an entry
// bumps it, so readers can cache the feed until it changes.

// RevokeAccessTokens implements RevocationStore.
func (d *DB) RevokeAccessTokens(rs ...Revocation) error {
	for _, r := range rs {
		if r.JTI == "" {
			return invalid("revocation without a jti")
		}
	}
	if len(rs) == 0 {
		return nil
	}
	return d.update(func(tx *bolt.Tx) error {
		return addRevocations(tx, time.Time{}, rs...)
	})
}

// Revocations implements RevocationStore.
func (d *DB) Revocations(since time.Time) ([]Revocation, error) {
	var out []Revocation
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRevocations).ForEach(func(k, v []byte) error {
			var r Revocation
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: corrupt revocation %q: %w", k, err)
			}
			if r.Exp.After(since) {
				out = append(out, r)
			}
			return nil
		})
	})
	return out, err
}

// RevocationsVersion implements RevocationStore.
func (d *DB) RevocationsVersion() (uint64, error) {
	var v uint64
	err := d.view(func(tx *bolt.Tx) error {
		v = tx.Bucket(bucketRevocations).Sequence()
		return nil
	})
	return v, err
}

// RevocationGrace is how long past its exp a revoked access token still
// matters: validators accept a token up to their clock leeway (at most 600 s
// in a policy) past exp, so the revocation feed keeps an entry this long
// past exp, and a revocation adds the tokens that expired less than this
// long ago, not only the unexpired ones.
const RevocationGrace = 10 * time.Minute

// revocable reports whether a token expiring at exp still needs revoking
// at now: it is not yet RevocationGrace past its exp.
func revocable(exp, now time.Time) bool { return exp.Add(RevocationGrace).After(now) }

// addRevocations puts rs into the revocation set, skipping entries that
// expired RevocationGrace or longer before now (a zero now skips none), and
// bumps the set's version when anything was added. An existing entry keeps
// the later exp.
func addRevocations(tx *bolt.Tx, now time.Time, rs ...Revocation) error {
	b := tx.Bucket(bucketRevocations)
	changed := false
	for _, r := range rs {
		if r.JTI == "" || (!now.IsZero() && !revocable(r.Exp, now)) {
			continue
		}
		r.Exp = r.Exp.UTC().Round(0)
		if old := b.Get([]byte(r.JTI)); old != nil {
			var prev Revocation
			if json.Unmarshal(old, &prev) == nil && !r.Exp.After(prev.Exp) {
				continue
			}
		}
		if err := putRaw(b, []byte(r.JTI), &r); err != nil {
			return err
		}
		changed = true
	}
	if !changed {
		return nil
	}
	return b.SetSequence(b.Sequence() + 1)
}
