package validator

import (
	"bytes"

	"github.com/tollgate/tollgate/jwks"
)

// Validate decides whether the compact-serialized JWS access token (RFC 9068)
// authorizes a request with the given method and path at time now (Unix
// seconds, from the host's clock: the Validator never reads one). It returns
// the token's forwarded claims, or a denial (see [Error]); the method and
// path select the route whose scopes are required in addition to the
// policy's.
//
// A token verified before and still valid is answered from the cache with no
// signature work and no allocation; see the package documentation for every
// rule applied.
func (v *Validator) Validate(token []byte, now int64, method, path []byte) (Claims, *Error) {
	return v.validate(token, now, method, path, false)
}

// Authorize is [BearerToken] followed by Validate, for a whole
// Authorization header value: bearer is false, with no error, when the value
// is empty or uses another scheme (RFC 6750 §3.1: a bare challenge). The
// verdicts are exactly those of the two calls in sequence; Authorize is
// faster because a token found in the cache skips the b64token scan: every
// cached token is canonical base64url, which that scan cannot reject.
func (v *Validator) Authorize(authorization []byte, now int64, method, path []byte) (c Claims, bearer bool, err *Error) {
	if DebugStage == 1 {
		return Claims{}, true, nil
	}
	t, bearer := bearerCredentials(authorization)
	if !bearer {
		return Claims{}, false, nil
	}
	if DebugStage == 2 {
		return Claims{}, true, nil
	}
	c, err = v.validate(t, now, method, path, true)
	return c, true, err
}

// validate is Validate; with bearer set, token is the unchecked credentials
// of a Bearer header, and anything that is not a b64token is InvalidRequest
// (tested only when the cache does not hold the token, before any other rule).
func (v *Validator) validate(token []byte, now int64, method, path []byte, bearer bool) (Claims, *Error) {
	var (
		h uint64
		e *entry
	)
	if len(token) <= v.maxBytes {
		h = hashToken(token)
		if DebugStage == 3 {
			return Claims{}, nil
		}
		e = v.cache.get(h, token, now)
	}
	if DebugStage == 4 {
		return Claims{}, nil
	}
	if e == nil && bearer && !isB64Token(token) {
		return Claims{}, errBadHeader
	}
	if len(token) > v.maxBytes {
		return Claims{}, errTooLarge
	}
	scopeErr, required, err := v.requirements(method, path)
	if err != nil {
		return Claims{}, err
	}
	if DebugStage == 5 {
		return Claims{}, nil
	}
	if e != nil {
		v.hits++
		c := e.claims()
		if !hasScopes(c.Scope, v.scopes, required) {
			return Claims{}, scopeErr
		}
		return c, nil
	}
	v.misses++
	var t verified
	if err := v.verify(token, now, true, &t); err != nil {
		return Claims{}, err
	}
	c := t.claims
	if e := v.cache.put(h, token, &c, t.kid, t.jti, t.key, t.notBefore, t.deadline, now); e != nil {
		c = e.claims()
		c.Cached = false
	}
	if !hasScopes(c.Scope, v.scopes, required) {
		return Claims{}, scopeErr
	}
	return c, nil
}

// VerifyJWS applies Validate's rules for the JWS itself — size, segments,
// base64url, header parameters, algorithm, key selection and signature — but
// not the typ check and not the claims, and returns the decoded payload
// (valid until the next call). It never uses the cache. It runs JWS-level
// conformance vectors whose payloads are not access tokens.
func (v *Validator) VerifyJWS(token []byte) ([]byte, *Error) {
	if len(token) > v.maxBytes {
		return nil, errTooLarge
	}
	var t verified
	if err := v.verifyJWS(token, false, &t); err != nil {
		return nil, err
	}
	return v.payload, nil
}

// verified is what verification learns about a valid token.
type verified struct {
	claims              Claims
	kid, jti            []byte
	key                 *jwks.Key
	notBefore, deadline int64
}

// verify applies every rule except the scopes.
func (v *Validator) verify(token []byte, now int64, checkTyp bool, t *verified) *Error {
	if err := v.verifyJWS(token, checkTyp, t); err != nil {
		return err
	}
	return v.checkClaims(now, t)
}

// verifyJWS checks the compact JWS and leaves the decoded payload in
// v.payload.
func (v *Validator) verifyJWS(token []byte, checkTyp bool, t *verified) *Error {
	// Exactly three segments: two dots.
	d1 := bytes.IndexByte(token, '.')
	if d1 < 0 {
		return errMalformed
	}
	d2 := bytes.IndexByte(token[d1+1:], '.')
	if d2 < 0 {
		return errMalformed
	}
	d2 += d1 + 1
	if bytes.IndexByte(token[d2+1:], '.') >= 0 {
		return errMalformed
	}
	v.strs = v.strs[:0]
	var err error
	if v.hdr, err = jwks.AppendDecode(v.hdr[:0], token[:d1]); err != nil || len(v.hdr) == 0 {
		return errMalformed
	}
	if v.payload, err = jwks.AppendDecode(v.payload[:0], token[d1+1:d2]); err != nil {
		return errMalformed
	}
	if v.sig, err = jwks.AppendDecode(v.sig[:0], token[d2+1:]); err != nil || len(v.sig) == 0 {
		return errMalformed
	}
	a, kid, herr := v.header(checkTyp)
	if herr != nil {
		return herr
	}
	key := v.key(kid)
	if key == nil {
		return errUnknownKey
	}
	if !key.Supports(a.String()) {
		return errKeyMismatch
	}
	if !precheck(a, key, v.sig) || !v.verifier(a, key, token[:d2], v.sig) {
		return errSignature
	}
	t.kid, t.key = kid, key
	return nil
}

// header parses the JOSE header in v.hdr (RFC 7515 §4) and returns the
// algorithm and kid.
func (v *Validator) header(checkTyp bool) (alg, []byte, *Error) {
	o := &v.obj
	if o.Reset(v.hdr) != nil {
		return algNone, nil, errHeader
	}
	var a alg
	var algSeen, typOK bool
	var kid []byte
	for o.Next() {
		val := o.Value()
		switch string(o.Key()) {
		case "alg":
			s, err := v.str(val)
			if err != nil {
				return algNone, nil, errHeader
			}
			a, algSeen = parseAlg(s), true
		case "kid":
			s, err := v.str(val)
			if err != nil {
				return algNone, nil, errHeader
			}
			kid = s
		case "typ":
			s, err := v.str(val)
			if err != nil {
				return algNone, nil, errHeader
			}
			// RFC 7515 §4.1.9: a media type, compared case-insensitively,
			// with "application/" optional; RFC 9068 §4 wants at+jwt.
			typOK = equalFold(s, "at+jwt") || equalFold(s, "application/at+jwt")
		case "crit":
			// We understand no extension, so any crit is unsupported
			// (RFC 7515 §4.1.11).
			return algNone, nil, errHeaderParam
		case "jku", "jwk", "x5u", "x5c":
			// Never key sources: the key comes from the configured set.
			return algNone, nil, errHeaderParam
		case "b64", "zip", "enc":
			// Unencoded payloads (RFC 7797), compression and encryption
			// parameters change what the payload means: not for us.
			return algNone, nil, errHeaderParam
		}
	}
	if o.Err() != nil || !algSeen {
		return algNone, nil, errHeader
	}
	if !v.allowed.has(a) {
		return algNone, nil, errAlg
	}
	if checkTyp && !typOK {
		return algNone, nil, errTyp
	}
	if len(kid) == 0 {
		return algNone, nil, errUnknownKey
	}
	return a, kid, nil
}

var DebugStage int
