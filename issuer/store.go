package issuer

import "github.com/tollgate/tollgate/issuer/store"

// Store is the state the server reads and writes: clients, users, and what
// the user flows issue (codes, refresh families, revocations). *store.DB
// implements it. Its methods are called concurrently, and a write that
// returns nil must be durable (the server acknowledges it next).
type Store interface {
	Clients
	Users
	store.CodeStore
	store.RefreshStore
	store.RevocationStore
	store.Purger
}

// Users finds resource owners. User and UserByName return an error
// wrapping store.ErrNotFound for an unknown user.
type Users interface {
	User(id string) (*store.User, error)
	UserByName(username string) (*store.User, error)
}

var _ Store = (*store.DB)(nil)
