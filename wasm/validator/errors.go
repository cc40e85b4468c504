package validator

import (
	"errors"
	"strconv"
)

// Code is an RFC 6750 §3.1 error code.
type Code uint8

// Error codes.
const (
	// InvalidRequest: the request is malformed (a bad Authorization header,
	// a non-canonical path): HTTP 400.
	InvalidRequest Code = iota + 1
	// InvalidToken: the token is malformed, expired, revoked, foreign or
	// otherwise invalid: HTTP 401.
	InvalidToken
	// InsufficientScope: the token is valid but lacks a required scope:
	// HTTP 403.
	InsufficientScope
)

// String returns the RFC 6750 error code, e.g. "invalid_token".
func (c Code) String() string {
	switch c {
	case InvalidRequest:
		return "invalid_request"
	case InvalidToken:
		return "invalid_token"
	case InsufficientScope:
		return "insufficient_scope"
	}
	return "unknown_error"
}

// Status returns the HTTP status RFC 6750 §3.1 prescribes for the code.
func (c Code) Status() int {
	switch c {
	case InvalidRequest:
		return 400
	case InsufficientScope:
		return 403
	}
	return 401
}

// Error is a denial. Validate returns shared, preallocated values so that
// denying allocates nothing: callers must not modify them.
type Error struct {
	Code Code
	// Description is short and drawn from a fixed set; it never echoes the
	// token or any claim. It is safe for error_description.
	Description string
	// Scope lists the required scopes, space-separated, for
	// InsufficientScope; it is the WWW-Authenticate scope attribute.
	Scope string
	// UnknownKey is set when no key matches the token's kid: hosts may
	// refetch the JWKS (rate-limited) in case the issuer rotated keys.
	UnknownKey bool
}

// Error returns the code and description.
func (e *Error) Error() string { return e.Code.String() + ": " + e.Description }

// Denials. Descriptions are deliberately coarse where detail would help an
// attacker (every signature failure is "invalid signature").
var (
	errTooLarge       = &Error{Code: InvalidToken, Description: "token too large"}
	errMalformed      = &Error{Code: InvalidToken, Description: "malformed token"}
	errHeader         = &Error{Code: InvalidToken, Description: "malformed token header"}
	errAlg            = &Error{Code: InvalidToken, Description: "algorithm not allowed"}
	errHeaderParam    = &Error{Code: InvalidToken, Description: "unsupported header parameter"}
	errTyp            = &Error{Code: InvalidToken, Description: "not an access token"}
	errUnknownKey     = &Error{Code: InvalidToken, Description: "unknown key", UnknownKey: true}
	errKeyMismatch    = &Error{Code: InvalidToken, Description: "key does not match algorithm"}
	errSignature      = &Error{Code: InvalidToken, Description: "invalid signature"}
	errClaims         = &Error{Code: InvalidToken, Description: "malformed claims"}
	errIssuer         = &Error{Code: InvalidToken, Description: "wrong issuer"}
	errAudience       = &Error{Code: InvalidToken, Description: "wrong audience"}
	errNoExpiry       = &Error{Code: InvalidToken, Description: "missing expiry"}
	errExpired        = &Error{Code: InvalidToken, Description: "token expired"}
	errNotYetValid    = &Error{Code: InvalidToken, Description: "token not yet valid"}
	errIssuedInFuture = &Error{Code: InvalidToken, Description: "token issued in the future"}
	errRevoked        = &Error{Code: InvalidToken, Description: "token revoked"}
	errBound          = &Error{Code: InvalidToken, Description: "sender-constrained token"}
	errBadHeader      = &Error{Code: InvalidRequest, Description: "malformed authorization header"}
	errBadPath        = &Error{Code: InvalidRequest, Description: "non-canonical request path"}
)

// Configuration errors, returned by ParsePolicy, New, SetKeys and
// SetRevocations; errors.Is finds them in the detailed errors returned.
var (
	ErrPolicy      = errors.New("validator: invalid policy")
	ErrKidConflict = errors.New("validator: JWKS key conflicts with an inline key of the same kid")
	ErrRevocations = errors.New("validator: invalid revocation feed")
)

// detailError adds the field and reason to a sentinel.
type detailError struct {
	err    error  // sentinel
	field  string // policy field or feed element; may be empty
	reason string
	cause  error // may be nil
}

func (e *detailError) Error() string {
	s := e.err.Error()
	if e.field != "" {
		s += ": " + strconv.Quote(e.field)
	}
	if e.reason != "" {
		s += ": " + e.reason
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *detailError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.err, e.cause}
	}
	return []error{e.err}
}

func policyError(field, reason string, cause error) error {
	return &detailError{err: ErrPolicy, field: field, reason: reason, cause: cause}
}
