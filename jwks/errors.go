package jwks

import (
	"errors"
	"strconv"
)

// Errors returned by Parse, ParseKey and AppendDecode. A parse error wraps one
// of them; errors.Is finds it, and strictjson's error for malformed JSON.
var (
	ErrMalformed       = errors.New("jwks: malformed JSON")
	ErrNotSet          = errors.New(`jwks: not a JWK set (an object with a "keys" array)`)
	ErrMissingMember   = errors.New("jwks: missing required member")
	ErrMemberType      = errors.New("jwks: member has the wrong type")
	ErrBase64          = errors.New("jwks: member is not canonical unpadded base64url")
	ErrPrivateMember   = errors.New("jwks: private key member in a public key")
	ErrOctNotAllowed   = errors.New("jwks: symmetric (oct) keys are not allowed")
	ErrKeySize         = errors.New("jwks: wrong key size")
	ErrPointNotOnCurve = errors.New("jwks: EC point is not on the curve")
	ErrRSAExponent     = errors.New("jwks: RSA public exponent is not odd, minimal and in [3, 2^31-1]")
	ErrRSAModulus      = errors.New("jwks: RSA modulus is even, not minimal or has the ROCA fingerprint")
	ErrAlgMismatch     = errors.New("jwks: alg does not match the key type")
	ErrDuplicateKid    = errors.New("jwks: two usable keys share a kid")
	ErrMixedKeySet     = errors.New("jwks: symmetric and asymmetric keys in one set")
	ErrUnsupported     = errors.New("jwks: key is not a supported signature verification key")
)

// memberError says which member of which key a sentinel error is about.
type memberError struct {
	key    int    // index in the keys array; -1 for a single key
	member string // JWK member name, "" when the error is about the whole key
	err    error  // a sentinel
	cause  error  // the underlying strictjson error, if any
}

func (e *memberError) Error() string {
	s := e.err.Error()
	if e.key >= 0 {
		s += ": keys[" + strconv.Itoa(e.key) + "]"
	}
	if e.member != "" {
		s += ": member " + strconv.Quote(e.member)
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *memberError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.err, e.cause}
	}
	return []error{e.err}
}
