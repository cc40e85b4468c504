package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// CreateUser implements UserStore. On success u holds the stored values
// (ID, Created, Updated); on failure u is unchanged and nothing is written.
func (d *DB) CreateUser(u *User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	rec := *u
	if rec.ID == "" {
		rec.ID = NewID()
	}
	rec.Created = d.stamp()
	rec.Updated = rec.Created
	err := d.update(func(tx *bolt.Tx) error {
		names := tx.Bucket(bucketUsernames)
		if names.Get([]byte(rec.Username)) != nil {
			return fmt.Errorf("%w: username %q is taken", ErrDuplicate, rec.Username)
		}
		if tx.Bucket(bucketUsers).Get([]byte(rec.ID)) != nil {
			return fmt.Errorf("%w: user id %q is taken", ErrDuplicate, rec.ID)
		}
		if err := names.Put([]byte(rec.Username), []byte(rec.ID)); err != nil {
			return err
		}
		return put(tx, bucketUsers, rec.ID, &rec)
	})
	if err != nil {
		return err
	}
	*u = rec
	return nil
}

// User implements UserStore.
func (d *DB) User(id string) (*User, error) {
	u := new(User)
	err := d.view(func(tx *bolt.Tx) error {
		return get(tx, bucketUsers, id, u, "user")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByName implements UserStore.
func (d *DB) UserByName(username string) (*User, error) {
	u := new(User)
	err := d.view(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketUsernames).Get([]byte(username))
		if id == nil {
			return fmt.Errorf("%w: username %q", ErrNotFound, username)
		}
		return get(tx, bucketUsers, string(id), u, "user")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users implements UserStore.
func (d *DB) Users() ([]*User, error) {
	var out []*User
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsernames).ForEach(func(_, id []byte) error {
			u := new(User)
			if err := get(tx, bucketUsers, string(id), u, "user"); err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUser implements UserStore.
func (d *DB) DeleteUser(id string) error {
	return d.update(func(tx *bolt.Tx) error {
		var u User
		if err := get(tx, bucketUsers, id, &u, "user"); err != nil {
			return err
		}
		if err := tx.Bucket(bucketUsernames).Delete([]byte(u.Username)); err != nil {
			return err
		}
		if err := deleteUserSessions(tx, id); err != nil {
			return err
		}
		return tx.Bucket(bucketUsers).Delete([]byte(id))
	})
}

// SetUserPassword implements UserStore.
func (d *DB) SetUserPassword(id, hash string) error {
	now := d.stamp()
	return d.update(func(tx *bolt.Tx) error {
		var u User
		if err := get(tx, bucketUsers, id, &u, "user"); err != nil {
			return err
		}
		u.PasswordHash = hash
		u.Updated = now
		if err := put(tx, bucketUsers, id, &u); err != nil {
			return err
		}
		// A new password ends the sessions the old one started: whoever
		// holds one of their cookies must sign in again.
		return deleteUserSessions(tx, id)
	})
}
