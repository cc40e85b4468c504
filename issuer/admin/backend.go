package admin

import (
	"context"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// Backend is the set of admin operations. Implementations are safe for
// concurrent use. A ref names a client (or user) by id or, failing that, by
// its unique name (username). Records returned never carry a secret hash or a
// password hash.
type Backend interface {
	// AddClient registers a client built from tmpl: Type "" means
	// confidential; SecretHash, Created and Updated are ignored; an empty
	// ID is generated. A confidential client gets a fresh secret, returned
	// once here and stored only as a hash; a public one gets "".
	AddClient(ctx context.Context, tmpl *store.Client) (c *store.Client, secret string, err error)
	// ListClients returns every client, ordered by name.
	ListClients(ctx context.Context) ([]*store.Client, error)
	// ShowClient returns one client.
	ShowClient(ctx context.Context, ref string) (*store.Client, error)
	// UpdateClient replaces the settings of client ref with c's: every
	// field but ID, Type, SecretHash, Created and Updated. c.Updated must
	// be the client's Updated as read (ShowClient), else the update fails
	// with store.ErrConflict and changes nothing: two admins cannot
	// silently overwrite each other. With newSecret a confidential client
	// gets a fresh secret, returned once; the old one stops working at
	// once.
	UpdateClient(ctx context.Context, ref string, c *store.Client, newSecret bool) (updated *store.Client, secret string, err error)
	// DeleteClient removes one client.
	DeleteClient(ctx context.Context, ref string) error

	// AddUser creates a user with an argon2id hash of password.
	AddUser(ctx context.Context, username, password string) (*store.User, error)
	// ListUsers returns every user, ordered by username.
	ListUsers(ctx context.Context) ([]*store.User, error)
	// DeleteUser removes one user.
	DeleteUser(ctx context.Context, ref string) error
	// SetUserPassword replaces a user's password.
	SetUserPassword(ctx context.Context, ref, password string) error

	// ListKeys returns every signing key's state now.
	ListKeys(ctx context.Context) ([]KeyInfo, error)
	// RotateKeys creates the next key for alg ("" means ES256). The first
	// key of an algorithm activates at once; later ones are published
	// ahead (signing.Options.PublishAhead) and activate then.
	RotateKeys(ctx context.Context, alg string) (KeyInfo, error)

	GrantsBackend // grants.go
}

// KeyInfo is a signing key's public description and schedule.
type KeyInfo struct {
	Kid       string    `json:"kid"`
	Alg       string    `json:"alg"`
	State     string    `json:"state"` // next, active, retired or expired
	Created   time.Time `json:"created"`
	Activated time.Time `json:"activated"`        // when it starts or started signing
	Retired   time.Time `json:"retired,omitzero"` // when its successor takes over
	Expires   time.Time `json:"expires,omitzero"` // when it leaves the JWKS
}
