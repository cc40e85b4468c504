package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// sealedKey is a Key as stored: Private is sealed under the KEK with the kid
// as additional data, so a sealed value copied to another kid does not open.
type sealedKey struct {
	*Key
	Sealed []byte `json:"private_sealed"`
}

// Validate reports, as an ErrInvalid, a key with a malformed kid, an unknown
// algorithm or state, or no private part.
func (k *Key) Validate() error {
	switch {
	case !isURLSafe(k.Kid, maxIDLen):
		return invalid("kid %q: want 1-%d characters of A-Z a-z 0-9 - . _ ~", k.Kid, maxIDLen)
	case !slices.Contains(signingAlgs, k.Alg):
		return invalid("key %s: algorithm %q", k.Kid, k.Alg)
	case !slices.Contains([]string{KeyNext, KeyActive, KeyRetired, KeyExpired}, k.State):
		return invalid("key %s: state %q", k.Kid, k.State)
	case len(k.Private) == 0:
		return invalid("key %s: no private key", k.Kid)
	}
	return nil
}

// PutKeys implements KeyStore. It returns ErrNoKEK if the store was opened
// without a KEK.
func (d *DB) PutKeys(keys ...*Key) error {
	recs := make([]sealedKey, len(keys))
	for i, k := range keys {
		if err := k.Validate(); err != nil {
			return err
		}
		sealed, err := d.aead.seal(k.Private, []byte(k.Kid))
		if err != nil {
			return err
		}
		recs[i] = sealedKey{Key: k, Sealed: sealed}
	}
	return d.update(func(tx *bolt.Tx) error {
		for _, r := range recs {
			if err := put(tx, bucketKeys, r.Kid, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutKey is PutKeys with one key.
func (d *DB) PutKey(k *Key) error { return d.PutKeys(k) }

// Keys implements KeyStore. It returns ErrNoKEK if the store was opened
// without a KEK, and ErrBadKEK if a private key does not decrypt.
func (d *DB) Keys() ([]*Key, error) {
	if d.aead.gcm == nil {
		return nil, ErrNoKEK
	}
	var out []*Key
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(kid, raw []byte) error {
			k, err := d.decodeKey(string(kid), raw)
			if err != nil {
				return err
			}
			out = append(out, k)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *Key) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.Kid, b.Kid))
	})
	return out, nil
}

// DeleteKey implements KeyStore.
func (d *DB) DeleteKey(kid string) error {
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		if b.Get([]byte(kid)) == nil {
			return fmt.Errorf("%w: key %q", ErrNotFound, kid)
		}
		return b.Delete([]byte(kid))
	})
}

func (d *DB) decodeKey(kid string, raw []byte) (*Key, error) {
	rec := sealedKey{Key: new(Key)}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("store: corrupt key record %q: %w", kid, err)
	}
	if rec.Kid != kid {
		return nil, fmt.Errorf("store: corrupt key record %q: holds kid %q", kid, rec.Kid)
	}
	priv, err := d.aead.open(rec.Sealed, []byte(kid))
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", kid, err)
	}
	rec.Private = priv
	return rec.Key, nil
}
