package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// consentKey is the bucket key of userID's consent to clientID: user id,
// 0x00, client id, so one user's consents are a key range.
func consentKey(userID, clientID string) []byte {
	k := make([]byte, 0, len(userID)+1+len(clientID))
	k = append(k, userID...)
	k = append(k, 0)
	return append(k, clientID...)
}

func checkConsentIDs(userID, clientID string) error {
	switch {
	case userID == "" || clientID == "":
		return invalid("consent needs a user id and a client id")
	case strings.IndexByte(userID, 0) >= 0 || strings.IndexByte(clientID, 0) >= 0:
		return invalid("consent: NUL in an id")
	}
	return nil
}

// Consent implements ConsentStore.
func (d *DB) Consent(userID, clientID string) (*Consent, error) {
	if err := checkConsentIDs(userID, clientID); err != nil {
		return nil, fmt.Errorf("%w: consent", ErrNotFound)
	}
	c := new(Consent)
	err := d.view(func(tx *bolt.Tx) error {
		return getRaw(tx.Bucket(bucketConsents), consentKey(userID, clientID), c, "consent")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// GrantConsent implements ConsentStore: the read and the write are one
// transaction, so concurrent grants both end up in the record.
func (d *DB) GrantConsent(userID, clientID string, scopes []string) (*Consent, error) {
	if err := checkConsentIDs(userID, clientID); err != nil {
		return nil, err
	}
	for _, s := range scopes {
		if !isScopeToken(s) {
			return nil, invalid("consent: malformed scope %q", s)
		}
	}
	now := d.stamp()
	var out *Consent
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConsents)
		k := consentKey(userID, clientID)
		c := &Consent{UserID: userID, ClientID: clientID, Created: now}
		if err := getRaw(b, k, c, "consent"); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		for _, s := range scopes {
			if !slices.Contains(c.Scopes, s) {
				c.Scopes = append(c.Scopes, s)
			}
		}
		c.Updated = now
		if err := putRaw(b, k, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Consents implements ConsentStore.
func (d *DB) Consents(userID string) ([]*Consent, error) {
	var out []*Consent
	if userID == "" || strings.IndexByte(userID, 0) >= 0 {
		return nil, nil
	}
	prefix := append([]byte(userID), 0)
	err := d.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketConsents).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			c := new(Consent)
			if err := getRaw(tx.Bucket(bucketConsents), k, c, "consent"); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteConsent implements ConsentStore.
func (d *DB) DeleteConsent(userID, clientID string) error {
	if err := checkConsentIDs(userID, clientID); err != nil {
		return fmt.Errorf("%w: consent", ErrNotFound)
	}
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConsents)
		k := consentKey(userID, clientID)
		if b.Get(k) == nil {
			return fmt.Errorf("%w: consent", ErrNotFound)
		}
		return b.Delete(k)
	})
}
