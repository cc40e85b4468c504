package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CreateRefreshFamily implements RefreshStore.
func (d *DB) CreateRefreshFamily(token string, f *RefreshFamily) error {
	var created *RefreshFamily
	err := d.update(func(tx *bolt.Tx) error {
		var err error
		created, err = createFamily(tx, token, f)
		return err
	})
	if err == nil {
		*f = *created
	}
	return err
}

// createFamily stores a copy of f as a new family with token as its first
// generation, and returns the copy.
func createFamily(tx *bolt.Tx, token string, f *RefreshFamily) (*RefreshFamily, error) {
	switch {
	case token == "":
		return nil, invalid("empty refresh token")
	case f == nil || f.ClientID == "" || f.Expires.IsZero() || f.Created.IsZero():
		return nil, invalid("a refresh family needs client_id, created and expires")
	}
	rec := *f
	if rec.ID == "" {
		rec.ID = NewID()
	}
	rec.Generation = 1
	rec.Revoked, rec.RevokedAt = false, time.Time{}
	rec.Created, rec.Expires = utc(rec.Created), utc(rec.Expires)
	if rec.LastUsed.IsZero() {
		rec.LastUsed = rec.Created
	}
	if rec.IdleExpires.IsZero() || rec.IdleExpires.After(rec.Expires) {
		rec.IdleExpires = rec.Expires
	}
	rec.LastUsed, rec.IdleExpires, rec.AuthTime = utc(rec.LastUsed), utc(rec.IdleExpires), utc(rec.AuthTime)
	fams := tx.Bucket(bucketRefreshFamilies)
	if fams.Get([]byte(rec.ID)) != nil {
		return nil, fmt.Errorf("%w: refresh family %q", ErrDuplicate, rec.ID)
	}
	toks := tx.Bucket(bucketRefreshTokens)
	key := tokenKey(token)
	if toks.Get(key) != nil {
		return nil, fmt.Errorf("%w: refresh token", ErrDuplicate)
	}
	if err := putRaw(toks, key, &refreshToken{FamilyID: rec.ID, Generation: 1}); err != nil {
		return nil, err
	}
	if err := put(tx, bucketRefreshFamilies, rec.ID, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// RefreshTokenFamily implements RefreshStore.
func (d *DB) RefreshTokenFamily(token string) (*RefreshFamily, uint64, error) {
	f := new(RefreshFamily)
	var rt refreshToken
	err := d.view(func(tx *bolt.Tx) error {
		if err := getRaw(tx.Bucket(bucketRefreshTokens), tokenKey(token), &rt, "refresh token"); err != nil {
			return err
		}
		return get(tx, bucketRefreshFamilies, rt.FamilyID, f, "refresh family")
	})
	if err != nil {
		return nil, 0, err
	}
	return f, rt.Generation, nil
}

// RotateRefresh implements RefreshStore. A reuse's revocation is committed
// before ErrReplay is returned.
func (d *DB) RotateRefresh(token string, r *Rotation) (*RefreshFamily, error) {
	if r.Next == "" || r.Next == token {
		return nil, invalid("rotation needs a fresh refresh token")
	}
	var (
		out    RefreshFamily
		replay bool
	)
	err := d.update(func(tx *bolt.Tx) error {
		toks := tx.Bucket(bucketRefreshTokens)
		var rt refreshToken
		if err := getRaw(toks, tokenKey(token), &rt, "refresh token"); err != nil {
			return err
		}
		var f RefreshFamily
		if err := get(tx, bucketRefreshFamilies, rt.FamilyID, &f, "refresh family"); err != nil {
			return err
		}
		switch {
		case f.ClientID != r.ClientID:
			return fmt.Errorf("%w: refresh token", ErrNotFound)
		case f.Revoked:
			return fmt.Errorf("%w: refresh token family %s", ErrRevoked, f.ID)
		case rt.Generation != f.Generation:
			replay = true
			return revokeFamily(tx, &f, r.Now)
		case !r.Now.Before(f.Expires) || !r.Now.Before(f.IdleExpires):
			return fmt.Errorf("%w: refresh token", ErrExpired)
		}
		next := tokenKey(r.Next)
		if toks.Get(next) != nil {
			return fmt.Errorf("%w: refresh token", ErrDuplicate)
		}
		f.Generation++
		f.LastUsed = utc(r.Now)
		f.IdleExpires = utc(r.Now.Add(r.IdleTTL))
		if r.IdleTTL <= 0 || f.IdleExpires.After(f.Expires) {
			f.IdleExpires = f.Expires
		}
		f.AccessJTIs = append(unexpired(f.AccessJTIs, r.Now), r.Access)
		if err := putRaw(toks, next, &refreshToken{FamilyID: f.ID, Generation: f.Generation}); err != nil {
			return err
		}
		out = f
		return put(tx, bucketRefreshFamilies, f.ID, &f)
	})
	switch {
	case err != nil:
		return nil, err
	case replay:
		return nil, fmt.Errorf("%w: rotated refresh token used again; family revoked", ErrReplay)
	}
	return &out, nil
}

// RevokeRefreshFamily implements RefreshStore.
func (d *DB) RevokeRefreshFamily(id string, now time.Time) error {
	return d.update(func(tx *bolt.Tx) error {
		var f RefreshFamily
		if err := get(tx, bucketRefreshFamilies, id, &f, "refresh family"); err != nil {
			return err
		}
		return revokeFamily(tx, &f, now)
	})
}

// revokeFamily marks f revoked and puts its access tokens that are not yet
// RevocationGrace past their exp in the revocation set. A revoked family is
// left as it is.
func revokeFamily(tx *bolt.Tx, f *RefreshFamily, now time.Time) error {
	if f.Revoked {
		return nil
	}
	if err := addRevocations(tx, now, f.AccessJTIs...); err != nil {
		return err
	}
	f.Revoked, f.RevokedAt = true, utc(now)
	f.AccessJTIs = nil
	return put(tx, bucketRefreshFamilies, f.ID, f)
}

// unexpired returns the entries of rs that still need revoking at now
// (Exp less than RevocationGrace ago), in place.
func unexpired(rs []Revocation, now time.Time) []Revocation {
	out := rs[:0]
	for _, r := range rs {
		if revocable(r.Exp, now) {
			out = append(out, r)
		}
	}
	return out
}

// utc drops t's location and monotonic reading, so records compare equal
// after a JSON round trip.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Round(0)
}
