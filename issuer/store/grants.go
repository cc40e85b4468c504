package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// consentPrefix is the key prefix of userID's consents: the consents
// bucket is keyed user id 0x00 client_id.
func consentPrefix(userID string) []byte {
	return append([]byte(userID), 0)
}

// Grants implements GrantStore.
func (d *DB) Grants(userID, clientID string, now time.Time) ([]*Grant, error) {
	type key struct{ user, client string }
	byKey := map[key]*Grant{}
	grant := func(user, client string) *Grant {
		g := byKey[key{user, client}]
		if g == nil {
			g = &Grant{UserID: user, ClientID: client}
			byKey[key{user, client}] = g
		}
		return g
	}
	err := d.view(func(tx *bolt.Tx) error {
		if err := forConsents(tx, userID, clientID, func(_ []byte, c *Consent) error {
			grant(c.UserID, c.ClientID).Consent = c
			return nil
		}); err != nil {
			return err
		}
		return forFamilies(tx, userID, clientID, func(f *RefreshFamily) error {
			if !f.Revoked && now.Before(f.Expires) && now.Before(f.IdleExpires) {
				g := grant(f.UserID, f.ClientID)
				g.Families = append(g.Families, f)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	var out []*Grant
	for _, g := range byKey {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Grant) int {
		return cmp.Or(strings.Compare(a.UserID, b.UserID), strings.Compare(a.ClientID, b.ClientID))
	})
	return out, nil
}

// RevokeGrants implements GrantStore.
func (d *DB) RevokeGrants(userID, clientID string, now time.Time) (families, consents int, err error) {
	if userID == "" {
		return 0, 0, invalid("empty user id")
	}
	err = d.update(func(tx *bolt.Tx) error {
		var err error
		families, consents, err = revokeGrants(tx, userID, clientID, now)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return families, consents, nil
}

// revokeGrants deletes the consents of userID to clientID and revokes the
// live refresh families between them (their access tokens not yet
// RevocationGrace past exp join the revocation set); "" for either means
// every user or every client.
func revokeGrants(tx *bolt.Tx, userID, clientID string, now time.Time) (families, consents int, err error) {
	var keys [][]byte
	if err := forConsents(tx, userID, clientID, func(k []byte, _ *Consent) error {
		keys = append(keys, bytes.Clone(k))
		return nil
	}); err != nil {
		return 0, 0, err
	}
	b := tx.Bucket(bucketConsents)
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, 0, err
		}
		consents++
	}
	var fams []*RefreshFamily
	if err := forFamilies(tx, userID, clientID, func(f *RefreshFamily) error {
		if !f.Revoked {
			fams = append(fams, f)
		}
		return nil
	}); err != nil {
		return 0, 0, err
	}
	for _, f := range fams {
		if err := revokeFamily(tx, f, now); err != nil {
			return 0, 0, err
		}
		families++
	}
	return families, consents, nil
}

// forConsents calls fn with the key and record of each consent of userID
// (of every user when ""), to clientID only when not "".
func forConsents(tx *bolt.Tx, userID, clientID string, fn func(k []byte, c *Consent) error) error {
	var prefix []byte
	if userID != "" {
		prefix = consentPrefix(userID)
	}
	c := tx.Bucket(bucketConsents).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var rec Consent
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("store: corrupt consent record %q: %w", k, err)
		}
		if rec.UserID == "" || rec.ClientID == "" {
			u, cl, _ := bytes.Cut(k, []byte{0})
			rec.UserID, rec.ClientID = string(u), string(cl)
		}
		if clientID != "" && rec.ClientID != clientID {
			continue
		}
		if err := fn(k, &rec); err != nil {
			return err
		}
	}
	return nil
}

// forFamilies calls fn with each refresh family of userID (of every user
// when ""), with clientID only when not "". It scans every family: an
// admin operation.
func forFamilies(tx *bolt.Tx, userID, clientID string, fn func(f *RefreshFamily) error) error {
	return tx.Bucket(bucketRefreshFamilies).ForEach(func(k, v []byte) error {
		var f RefreshFamily
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("store: corrupt refresh family %q: %w", k, err)
		}
		if (userID != "" && f.UserID != userID) || (clientID != "" && f.ClientID != clientID) {
			return nil
		}
		return fn(&f)
	})
}
