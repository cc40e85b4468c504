package store

// Store is the issuer's persistent state, narrow enough that a distributed
// backend can implement it. Implementations are safe for concurrent use, and
// a write method that returns nil has made its change durable.
//
// Consumers that need only part of it should declare a smaller interface
// where they use it (the token endpoint needs little more than Client).
type Store interface {
	ClientStore
	UserStore
	KeyStore
	// Close releases the store. Methods called afterwards return ErrClosed.
	Close() error
}

// ClientStore holds registered OAuth clients.
type ClientStore interface {
	// CreateClient validates c and stores it. It assigns c.ID when empty,
	// and sets c.Created and c.Updated. A taken name gives ErrDuplicate,
	// a failed validation ErrInvalid.
	CreateClient(c *Client) error
	// Client returns the client with this id, or ErrNotFound.
	Client(id string) (*Client, error)
	// ClientByName returns the client with this exact name, or ErrNotFound.
	ClientByName(name string) (*Client, error)
	// Clients returns every client, ordered by name.
	Clients() ([]*Client, error)
	// DeleteClient removes the client, or returns ErrNotFound.
	DeleteClient(id string) error
}

// UserStore holds resource owners.
type UserStore interface {
	// CreateUser validates u and stores it. It assigns u.ID when empty,
	// and sets u.Created and u.Updated. A taken username gives
	// ErrDuplicate, a failed validation ErrInvalid.
	CreateUser(u *User) error
	// User returns the user with this id, or ErrNotFound.
	User(id string) (*User, error)
	// UserByName returns the user with this exact (case-sensitive)
	// username, or ErrNotFound.
	UserByName(username string) (*User, error)
	// Users returns every user, ordered by username.
	Users() ([]*User, error)
	// DeleteUser removes the user, or returns ErrNotFound.
	DeleteUser(id string) error
	// SetUserPassword replaces the user's password hash (see HashPassword)
	// and bumps Updated, or returns ErrNotFound.
	SetUserPassword(id, hash string) error
}

// KeyStore holds signing keys, private parts encrypted at rest.
type KeyStore interface {
	// PutKeys inserts or replaces keys (by kid) in one transaction, so a
	// rotation that changes several keys is all-or-nothing.
	PutKeys(keys ...*Key) error
	// Keys returns every key with its private part decrypted, ordered by
	// creation time.
	Keys() ([]*Key, error)
	// DeleteKey removes a key (an expired retired one), or returns ErrNotFound.
	DeleteKey(kid string) error
}

var _ Store = (*DB)(nil)
