package store

import (
	"crypto/sha256"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// tokenKey is the bucket key of a bearer secret (code, refresh token): its
// SHA-256, so that a copy of the database holds nothing usable.
func tokenKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateCode implements CodeStore.
func (d *DB) CreateCode(code string, c *AuthCode) error {
	switch {
	case code == "":
		return invalid("empty authorization code")
	case c == nil || c.ClientID == "" || c.Expires.IsZero():
		return invalid("an authorization code record needs client_id and expires")
	}
	rec := *c
	rec.Redeemed, rec.FamilyID, rec.AccessJTIs = false, "", nil
	if rec.Created.IsZero() {
		rec.Created = d.stamp()
	}
	key := tokenKey(code)
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCodes)
		if b.Get(key) != nil {
			return fmt.Errorf("%w: authorization code", ErrDuplicate)
		}
		return putRaw(b, key, &rec)
	})
}

// Code implements CodeStore.
func (d *DB) Code(code string) (*AuthCode, error) {
	c := new(AuthCode)
	err := d.view(func(tx *bolt.Tx) error {
		return getRaw(tx.Bucket(bucketCodes), tokenKey(code), c, "authorization code")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RedeemCode implements CodeStore. A replay's revocations are committed
// before ErrReplay is returned.
func (d *DB) RedeemCode(code string, r *Redemption) error {
	key := tokenKey(code)
	var replay bool
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCodes)
		var c AuthCode
		if err := getRaw(b, key, &c, "authorization code"); err != nil {
			return err
		}
		if c.Redeemed {
			replay = true
			return revokeIssued(tx, &c, r)
		}
		if !r.Now.Before(c.Expires) {
			return fmt.Errorf("%w: authorization code", ErrExpired)
		}
		c.Redeemed = true
		c.AccessJTIs = []Revocation{r.Access}
		if r.RefreshToken != "" {
			if r.Family == nil {
				return invalid("refresh token without a family")
			}
			fam := *r.Family
			fam.AccessJTIs = append(slices.Clone(fam.AccessJTIs), r.Access)
			f, err := createFamily(tx, r.RefreshToken, &fam)
			if err != nil {
				return err
			}
			c.FamilyID = f.ID
		}
		return putRaw(b, key, &c)
	})
	if err == nil && replay {
		return fmt.Errorf("%w: authorization code used twice", ErrReplay)
	}
	return err
}

// revokeIssued revokes what a redeemed code issued: its access tokens, and
// its refresh family with every access token issued in it.
func revokeIssued(tx *bolt.Tx, c *AuthCode, r *Redemption) error {
	if err := addRevocations(tx, r.Now, c.AccessJTIs...); err != nil {
		return err
	}
	if c.FamilyID == "" {
		return nil
	}
	var f RefreshFamily
	err := get(tx, bucketRefreshFamilies, c.FamilyID, &f, "refresh family")
	if err != nil {
		return nil // purged: nothing left to revoke
	}
	return revokeFamily(tx, &f, r.Now)
}
