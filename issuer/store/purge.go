package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PurgeExpired implements Purger. Refresh tokens are deleted with their
// family; tokens whose family is gone are deleted too.
func (d *DB) PurgeExpired(cutoff time.Time) (int, error) {
	n := 0
	err := d.update(func(tx *bolt.Tx) error {
		n = 0
		del := func(b *bolt.Bucket, keys [][]byte) error {
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
				n++
			}
			return nil
		}
		// Codes.
		codes := tx.Bucket(bucketCodes)
		var dead [][]byte
		if err := codes.ForEach(func(k, v []byte) error {
			var c AuthCode
			if json.Unmarshal(v, &c) != nil || !c.Expires.After(cutoff) {
				dead = append(dead, k)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := del(codes, dead); err != nil {
			return err
		}
		// Families, then tokens whose family is gone.
		fams := tx.Bucket(bucketRefreshFamilies)
		dead = nil
		if err := fams.ForEach(func(k, v []byte) error {
			var f RefreshFamily
			if json.Unmarshal(v, &f) != nil || !f.Expires.After(cutoff) {
				dead = append(dead, k)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := del(fams, dead); err != nil {
			return err
		}
		toks := tx.Bucket(bucketRefreshTokens)
		dead = nil
		if err := toks.ForEach(func(k, v []byte) error {
			var rt refreshToken
			if json.Unmarshal(v, &rt) != nil || fams.Get([]byte(rt.FamilyID)) == nil {
				dead = append(dead, k)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := del(toks, dead); err != nil {
			return err
		}
		// Revocations.
		revs := tx.Bucket(bucketRevocations)
		dead = nil
		if err := revs.ForEach(func(k, v []byte) error {
			var r Revocation
			if json.Unmarshal(v, &r) != nil || !r.Exp.After(cutoff) {
				dead = append(dead, k)
			}
			return nil
		}); err != nil {
			return err
		}
		before := n
		if err := del(revs, dead); err != nil {
			return err
		}
		if n > before {
			return revs.SetSequence(revs.Sequence() + 1)
		}
		return nil
	})
	return n, err
}
