package store

import "errors"

// Sentinel errors. Methods wrap them with %w and a detail, so test with
// errors.Is.
var (
	// ErrNotFound: no record with that id or name.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: the client name or username is already taken.
	ErrDuplicate = errors.New("store: already exists")
	// ErrInvalid: a record failed validation; the wrapped message says which field.
	ErrInvalid = errors.New("store: invalid record")
	// ErrBadKEK: the key-encryption key is malformed, or is not the one the
	// database was written with.
	ErrBadKEK = errors.New("store: wrong or malformed key-encryption key")
	// ErrNoKEK: the store was opened without a key-encryption key and a
	// method needs one (signing keys), or LoadKEK found none and was not
	// asked to create one.
	ErrNoKEK = errors.New("store: no key-encryption key")
	// ErrLocked: another process holds the database (bbolt's file lock was
	// not released within Options.Timeout). The issuer server is probably
	// running; use the admin socket.
	ErrLocked = errors.New("store: database is locked by another process")
	// ErrConflict: the record changed since the caller read it.
	ErrConflict = errors.New("store: changed since read")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store: closed")

	// ErrExpired: the code or refresh token has passed its lifetime.
	ErrExpired = errors.New("store: expired")
	// ErrRevoked: the refresh token's family has been revoked.
	ErrRevoked = errors.New("store: revoked")
	// ErrReplay: an authorization code was redeemed twice, or a rotated
	// refresh token was used again; everything issued from it has been
	// revoked in the same transaction.
	ErrReplay = errors.New("store: replayed code or refresh token")
)
