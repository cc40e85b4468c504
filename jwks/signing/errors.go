package signing

import "errors"

// Sentinel errors. Callers test them with [errors.Is]; functions wrap them
// with %w when they add detail.
var (
	// ErrUnsupportedAlg reports an algorithm other than ES256, EdDSA, RS256 or PS256.
	ErrUnsupportedAlg = errors.New("signing: unsupported algorithm")

	// ErrKeyMismatch reports a private key whose type or curve does not fit
	// the algorithm it was loaded for.
	ErrKeyMismatch = errors.New("signing: key does not match algorithm")

	// ErrWeakKey reports an RSA key shorter than 2048 bits.
	ErrWeakKey = errors.New("signing: RSA key shorter than 2048 bits")

	// ErrMalformedKey reports private key bytes that are not valid PKCS #8 DER.
	ErrMalformedKey = errors.New("signing: malformed PKCS #8 private key")

	// ErrNoActiveKey reports that no key of the requested algorithm is
	// active: none was added, or the only ones are still next.
	ErrNoActiveKey = errors.New("signing: no active key for algorithm")

	// ErrInvalidTyp reports a typ header value that is empty, too long or
	// not a media type token.
	ErrInvalidTyp = errors.New("signing: invalid typ")
)
