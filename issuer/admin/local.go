package admin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// maxPasswordLen bounds a password so that hashing it stays cheap.
const maxPasswordLen = 1024

// Local performs admin operations directly on a store. The CLI uses it when
// no server holds the database; the server uses it to serve the socket.
// Its exported fields must be set before first use and not changed after;
// use it through a pointer. ctx is not consulted: every operation is a short
// store transaction (key generation aside).
type Local struct {
	// Store is the open store.
	Store store.Store
	// Signing are the signing ring's options (PublishAhead, MaxTokenTTL,
	// JWKSMaxAge, Now); the server passes its ring's, so that rotation
	// and key states here agree with what it publishes. Zero means the
	// signing package's defaults.
	Signing signing.Options
	// OnKeyAdded, if set, is called with a key RotateKeys has just
	// committed, before RotateKeys returns; the server passes its
	// ring's Add so the key is published at once.
	OnKeyAdded func(*signing.Key)
	// OnKeyRemoved, if set, is called with the kid of an expired key
	// MaintainKeys has just deleted; the server passes its ring's Remove.
	OnKeyRemoved func(kid string)
	// OnClientChanged, if set, is called with the id of a client that was
	// just added or deleted (committed), so the server can drop it from
	// any client cache.
	OnClientChanged func(id string)

	rotate sync.Mutex // serialises RotateKeys and MaintainKeys
}

var _ Backend = (*Local)(nil)

// AddClient implements Backend.
func (l *Local) AddClient(_ context.Context, tmpl *store.Client) (*store.Client, string, error) {
	if tmpl == nil {
		return nil, "", fmt.Errorf("%w: no client", store.ErrInvalid)
	}
	c := *tmpl
	c.SecretHash = nil
	var secret string
	if c.Type == "" {
		c.Type = store.Confidential
	}
	var err error
	if c.OwnerUserID, err = l.ownerID(c.OwnerUserID); err != nil {
		return nil, "", err
	}
	if c.Type == store.Confidential {
		secret, c.SecretHash = store.NewSecret()
	}
	if err := l.Store.CreateClient(&c); err != nil {
		return nil, "", err
	}
	l.clientChanged(c.ID)
	c.SecretHash = nil
	return &c, secret, nil
}

// ListClients implements Backend.
func (l *Local) ListClients(context.Context) ([]*store.Client, error) {
	cs, err := l.Store.Clients()
	for _, c := range cs {
		c.SecretHash = nil
	}
	return cs, err
}

// ShowClient implements Backend.
func (l *Local) ShowClient(_ context.Context, ref string) (*store.Client, error) {
	c, err := l.client(ref)
	if err != nil {
		return nil, err
	}
	c.SecretHash = nil
	return c, nil
}

// UpdateClient implements Backend.
func (l *Local) UpdateClient(_ context.Context, ref string, c *store.Client, newSecret bool) (*store.Client, string, error) {
	if c == nil {
		return nil, "", fmt.Errorf("%w: no client", store.ErrInvalid)
	}
	old, err := l.client(ref)
	if err != nil {
		return nil, "", err
	}
	rec := *c
	rec.ID, rec.Type, rec.SecretHash = old.ID, old.Type, old.SecretHash
	if rec.OwnerUserID, err = l.ownerID(rec.OwnerUserID); err != nil {
		return nil, "", err
	}
	var secret string
	if newSecret {
		if rec.Type != store.Confidential {
			return nil, "", fmt.Errorf("%w: a public client has no secret", store.ErrInvalid)
		}
		secret, rec.SecretHash = store.NewSecret()
	}
	if err := l.Store.UpdateClient(&rec, c.Updated); err != nil {
		return nil, "", err
	}
	l.clientChanged(rec.ID)
	rec.SecretHash = nil
	return &rec, secret, nil
}

// DeleteClient implements Backend.
func (l *Local) DeleteClient(_ context.Context, ref string) error {
	c, err := l.client(ref)
	if err != nil {
		return err
	}
	if err := l.Store.DeleteClient(c.ID); err != nil {
		return err
	}
	l.clientChanged(c.ID)
	return nil
}

func (l *Local) clientChanged(id string) {
	if l.OnClientChanged != nil {
		l.OnClientChanged(id)
	}
}

func (l *Local) client(ref string) (*store.Client, error) {
	c, err := l.Store.Client(ref)
	if errors.Is(err, store.ErrNotFound) {
		c, err = l.Store.ClientByName(ref)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: no client with id or name %q", store.ErrNotFound, ref)
		}
	}
	return c, err
}

// AddUser implements Backend.
func (l *Local) AddUser(_ context.Context, username, password string) (*store.User, error) {
	u := &store.User{Username: username}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	if err := l.Store.CreateUser(u); err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// ListUsers implements Backend.
func (l *Local) ListUsers(context.Context) ([]*store.User, error) {
	us, err := l.Store.Users()
	for _, u := range us {
		u.PasswordHash = ""
	}
	return us, err
}

// DeleteUser implements Backend. The user's grants are revoked first (see
// RevokeGrants), so their refresh tokens die and their access tokens are
// published as revoked rather than living on until they expire.
func (l *Local) DeleteUser(_ context.Context, ref string) error {
	u, err := l.user(ref)
	if err != nil {
		return err
	}
	if _, _, err := l.Store.RevokeGrants(u.ID, "", l.now()); err != nil {
		return err
	}
	return l.Store.DeleteUser(u.ID)
}

// SetUserPassword implements Backend.
func (l *Local) SetUserPassword(_ context.Context, ref, password string) error {
	u, err := l.user(ref)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return l.Store.SetUserPassword(u.ID, hash)
}

// ownerID resolves a client's owner, given by id or username, to the
// user's id; "" stays "".
func (l *Local) ownerID(ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	u, err := l.user(ref)
	if err != nil {
		return "", fmt.Errorf("owner: %w", err)
	}
	return u.ID, nil
}

func (l *Local) user(ref string) (*store.User, error) {
	u, err := l.Store.User(ref)
	if errors.Is(err, store.ErrNotFound) {
		u, err = l.Store.UserByName(ref)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: no user with id or username %q", store.ErrNotFound, ref)
		}
	}
	return u, err
}

func hashPassword(password string) (string, error) {
	switch {
	case password == "":
		return "", fmt.Errorf("%w: empty password", store.ErrInvalid)
	case len(password) > maxPasswordLen:
		return "", fmt.Errorf("%w: password longer than %d bytes", store.ErrInvalid, maxPasswordLen)
	}
	return store.HashPassword(password)
}
