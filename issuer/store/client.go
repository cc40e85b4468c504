package store

import (
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

// UpdateClient implements ClientStore.
func (d *DB) UpdateClient(c *Client, ifUpdated time.Time) error {
	if err := c.Validate(); err != nil {
		return err
	}
	rec := *c
	err := d.update(func(tx *bolt.Tx) error {
		var old Client
		if err := get(tx, bucketClients, rec.ID, &old, "client"); err != nil {
			return err
		}
		switch {
		case !ifUpdated.IsZero() && !old.Updated.Equal(ifUpdated):
			return fmt.Errorf("%w: client %q was updated at %s", ErrConflict, rec.ID, old.Updated.Format(time.RFC3339Nano))
		case rec.Type != old.Type:
			return invalid("client type cannot change (%s to %s): delete and add the client", old.Type, rec.Type)
		case rec.OwnerUserID != "" && tx.Bucket(bucketUsers).Get([]byte(rec.OwnerUserID)) == nil:
			return invalid("owner user %q does not exist", rec.OwnerUserID)
		}
		names := tx.Bucket(bucketClientNames)
		if rec.Name != old.Name {
			if names.Get([]byte(rec.Name)) != nil {
				return fmt.Errorf("%w: client name %q is taken", ErrDuplicate, rec.Name)
			}
			if err := names.Delete([]byte(old.Name)); err != nil {
				return err
			}
			if err := names.Put([]byte(rec.Name), []byte(rec.ID)); err != nil {
				return err
			}
		}
		rec.Created = old.Created
		rec.Updated = d.stamp()
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
		// Nothing may outlive the client: see RATIONALE.md.
		_, _, err := revokeGrants(tx, "", id, d.now())
		return err
	})
}
