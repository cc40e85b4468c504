package issuer

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Signer signs JWTs with the issuer's active keys and publishes their public
// halves. *signing.Ring implements it. Its methods are called concurrently.
type Signer interface {
	// Sign returns the compact JWS of payload under the protected header
	// {"alg": alg, "kid": kid, "typ": typ}, signed by the active key for alg,
	// and that kid. The token is the caller's; payload is not retained.
	Sign(alg, typ string, payload []byte) (token []byte, kid string, err error)
	// JWKS returns the current JWK Set document (public keys only) and its
	// entity tag. Both may change after a rotation; callers must not modify doc.
	JWKS() (doc []byte, etag string)
	// Algorithms lists the algorithms Sign accepts.
	Algorithms() []string
}

// typAccessToken is the JWT typ of RFC 9068 §2.1.
const typAccessToken = "at+jwt"

// jtiBytes is the entropy of a jti: 128 bits, so collisions between
// independently issued tokens are negligible without any bookkeeping.
const jtiBytes = 16

// accessToken holds the claims of an RFC 9068 access token.
type accessToken struct {
	issuer   string
	subject  string
	audience []string
	clientID string
	scope    string // space-separated; omitted when empty
	issued   time.Time
	ttl      time.Duration
	jti      string // "" means a fresh one, not kept (client_credentials)
}

// expires returns the exp of t.
func (t *accessToken) expires() time.Time {
	return time.Unix(t.issued.Unix()+int64(t.ttl/time.Second), 0).UTC()
}

// appendClaims appends t's JWT claims set as JSON: iss, sub, aud, exp, iat,
// nbf, jti (t.jti, or a fresh random one), client_id and scope, in that
// order.
func (t *accessToken) appendClaims(dst []byte) []byte {
	iat := t.issued.Unix()
	dst = append(dst, '{')
	dst = appendStringMember(dst, "iss", t.issuer)
	dst = appendStringMember(dst, "sub", t.subject)
	dst = appendJSONStringOrArray(appendMember(dst, "aud"), t.audience)
	dst = appendIntMember(dst, "exp", iat+int64(t.ttl/time.Second))
	dst = appendIntMember(dst, "iat", iat)
	dst = appendIntMember(dst, "nbf", iat)
	dst = appendMember(dst, "jti")
	if t.jti != "" {
		dst = appendJSONString(dst, t.jti)
	} else {
		dst = append(dst, '"')
		dst = appendJTI(dst)
		dst = append(dst, '"')
	}
	dst = appendStringMember(dst, "client_id", t.clientID)
	if t.scope != "" {
		dst = appendStringMember(dst, "scope", t.scope)
	}
	return append(dst, '}')
}

// appendJTI appends a fresh jti: jtiBytes from crypto/rand in base64url.
func appendJTI(dst []byte) []byte {
	var b [jtiBytes]byte
	_, _ = rand.Read(b[:]) // never fails (Go ≥ 1.24 crashes rather than return short)
	return base64.RawURLEncoding.AppendEncode(dst, b[:])
}

// newJTI returns a fresh jti, for tokens whose jti is recorded.
func newJTI() string { return string(appendJTI(nil)) }

// bufPool recycles the buffers claims and responses are built in.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 64<<10 {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}
