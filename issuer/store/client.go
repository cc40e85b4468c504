package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CreateClient implements ClientStore. On success c holds the stored
// values (ID, Created, Updated); on failure c's ID and stamps are unchanged
// and nothing is written. An OwnerUserID must name an existing user.
func (d *DB) CreateClient(c *Client) error {
	if err := c.Validate(); err != nil {
		return err
	}
	rec := *c
	if rec.ID == "" {
		rec.ID = NewID()
	}
	rec.Created = d.stamp()
	rec.Updated = rec.Created
	err := d.update(func(tx *bolt.Tx) error {
		names := tx.Bucket(bucketClientNames)
		if names.Get([]byte(rec.Name)) != nil {
			return fmt.Errorf("%w: client name %q is taken", ErrDuplicate, rec.Name)
		}
		if tx.Bucket(bucketClients).Get([]byte(rec.ID)) != nil {
			return fmt.Errorf("%w: client_id %q is taken", ErrDuplicate, rec.ID)
		}
		if rec.OwnerUserID != "" && tx.Bucket(bucketUsers).Get([]byte(rec.OwnerUserID)) == nil {
			return invalid("owner user %q does not exist", rec.OwnerUserID)
		}
		if err := names.Put([]byte(rec.Name), []byte(rec.ID)); err != nil {
			return err
		}
		return put(tx, bucketClients, rec.ID, &rec)
	})
	if err != nil {
		return err
	}
	*c = rec
	return nil
}

// Client implements ClientStore.
func (d *DB) Client(id string) (*Client, error) {
	c := new(Client)
	err := d.view(func(tx *bolt.Tx) error {
		return get(tx, bucketClients, id, c, "client")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ClientByName implements ClientStore.
func (d *DB) ClientByName(name string) (*Client, error) {
	c := new(Client)
	err := d.view(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketClientNames).Get([]byte(name))
		if id == nil {
			return fmt.Errorf("%w: client named %q", ErrNotFound, name)
		}
		return get(tx, bucketClients, string(id), c, "client")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Clients implements ClientStore.
func (d *DB) Clients() ([]*Client, error) {
	var out []*Client
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketClientNames).ForEach(func(_, id []byte) error {
			c := new(Client)
			if err := get(tx, bucketClients, string(id), c, "client"); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteClient implements ClientStore.
func (d *DB) DeleteClient(id string) error {
	return d.update(func(tx *bolt.Tx) error {
		var c Client
		if err := get(tx, bucketClients, id, &c, "client"); err != nil {
			return err
		}
		if err := tx.Bucket(bucketClientNames).Delete([]byte(c.Name)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketClients).Delete([]byte(id)); err != nil {
			return err
		}
		return revokeClientGrants(tx, id, d.now())
	})
}

// revokeClientGrants revokes every refresh family issued to clientID (their
// unexpired access tokens join the revocation set) and deletes every user's
// consent to it, so that a client created later under a reused id or name
// inherits nothing.
func revokeClientGrants(tx *bolt.Tx, clientID string, now time.Time) error {
	var fams []*RefreshFamily
	if err := forFamilies(tx, "", clientID, func(f *RefreshFamily) error {
		fams = append(fams, f)
		return nil
	}); err != nil {
		return err
	}
	for _, f := range fams {
		if err := revokeFamily(tx, f, now); err != nil {
			return err
		}
	}
	var keys [][]byte
	if err := forConsents(tx, "", clientID, func(k []byte, _ *Consent) error {
		keys = append(keys, bytes.Clone(k))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Bucket(bucketConsents).Delete(k); err != nil {
			return err
		}
	}
	return nil
}
