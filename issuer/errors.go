package issuer

import (
	"errors"
	"net/http"
)

// Sentinel errors of [New] and [Server.Serve]. They are wrapped with a detail, so test
// with errors.Is.
var (
	// ErrConfig: a Config field is out of range or malformed.
	ErrConfig = errors.New("issuer: invalid configuration")
	// ErrUnsupportedAlg: the configured signing algorithm is not among the
	// signer's Algorithms.
	ErrUnsupportedAlg = errors.New("issuer: signing algorithm not offered by the signer")
	// ErrServerClosed: Serve was called after Shutdown.
	ErrServerClosed = errors.New("issuer: server closed")
)

// Error codes of RFC 6749 §5.2, and the few this server adds for failures
// the RFC does not name.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidGrant         = "invalid_grant"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeInvalidScope         = "invalid_scope"
	// CodeServerError is RFC 6749 §4.1.2.1's code, used with status 500
	// for failures of the server itself (store, signer, a recovered panic).
	CodeServerError = "server_error"
	// CodeTemporarilyUnavailable (RFC 6749 §4.1.2.1) answers 429 when a
	// rate limit is exceeded.
	CodeTemporarilyUnavailable = "temporarily_unavailable"
	// CodeNotFound answers a path no route serves.
	CodeNotFound = "not_found"
)

// Error is an error response of the token endpoint, field by field the JSON
// object of RFC 6749 §5.2, plus the HTTP status and headers it travels with.
type Error struct {
	Code        string // "error": one of the Code constants
	Description string // "error_description", optional; ASCII without '"' or '\'
	URI         string // "error_uri", optional

	// Status is the HTTP status; 0 means the default for Code (401 for
	// invalid_client, 500 for server_error, 400 otherwise).
	Status int
	// RetryAfter, when positive, is sent as the Retry-After header in seconds.
	RetryAfter int
}

// Error implements error.
func (e *Error) Error() string {
	if e.Description == "" {
		return "issuer: " + e.Code
	}
	return "issuer: " + e.Code + ": " + e.Description
}

// status returns the HTTP status e is answered with.
func (e *Error) status() int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Code {
	case CodeInvalidClient:
		return http.StatusUnauthorized
	case CodeServerError:
		return http.StatusInternalServerError
	case CodeNotFound:
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// errMalformedJWS: the Signer returned something that is not a compact JWS.
var errMalformedJWS = errors.New("issuer: signer returned a malformed compact JWS")

// Constructors of the common token endpoint errors.
func errInvalidRequest(desc string) *Error {
	return &Error{Code: CodeInvalidRequest, Description: desc}
}
func errInvalidClient(desc string) *Error { return &Error{Code: CodeInvalidClient, Description: desc} }
func errInvalidScope(desc string) *Error  { return &Error{Code: CodeInvalidScope, Description: desc} }
func errServer(desc string) *Error        { return &Error{Code: CodeServerError, Description: desc} }
