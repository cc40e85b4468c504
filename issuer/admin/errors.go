package admin

import (
	"errors"

	"github.com/tollgate/tollgate/issuer/store"
)

// Sentinel errors of the admin transport. Operation errors are the store's
// sentinels (store.ErrNotFound, store.ErrDuplicate, store.ErrInvalid, ...).
var (
	// ErrUnavailable: the admin socket could not be reached.
	ErrUnavailable = errors.New("admin: server unavailable")
	// ErrProtocol: a malformed request or response.
	ErrProtocol = errors.New("admin: protocol error")
	// ErrSocketInUse: Listen found a live server, or a file that is not a
	// socket, at the socket path.
	ErrSocketInUse = errors.New("admin: socket path in use")
)

// Error is an operation error reported by the server. Its message is the
// server's, word for word, and it unwraps to the sentinel its Code names, so
// errors.Is(err, store.ErrDuplicate) holds for Remote as for Local.
type Error struct {
	Code    string // see errorCodes; "internal" for anything else
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel for e.Code, or nil.
func (e *Error) Unwrap() error {
	for _, c := range errorCodes {
		if c.code == e.Code {
			return c.err
		}
	}
	return nil
}

// errorCodes names the sentinels that cross the socket.
var errorCodes = []struct {
	code string
	err  error
}{
	{"not_found", store.ErrNotFound},
	{"duplicate", store.ErrDuplicate},
	{"invalid", store.ErrInvalid},
	{"no_kek", store.ErrNoKEK},
	{"bad_kek", store.ErrBadKEK},
	{"locked", store.ErrLocked},
	{"closed", store.ErrClosed},
	{"conflict", store.ErrConflict},
	{"protocol", ErrProtocol},
}

// codeOf returns the wire code of err.
func codeOf(err error) string {
	for _, c := range errorCodes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "internal"
}
