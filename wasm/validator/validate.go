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
	var c Claims
	if err := v.validate(token, now, method, path, false, &c); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// ValidateInto is Validate storing the claims of an allowed token in *c,
// which it leaves unchanged on a denial. It is the form for the WebAssembly
// guests, where the compiler copies and zeroes a returned Claims with calls
// that cost more than the rest of a cached validation.
func (v *Validator) ValidateInto(token []byte, now int64, method, path []byte, c *Claims) *Error {
	return v.validate(token, now, method, path, false, c)
}

// Authorize is [BearerToken] followed by ValidateInto, for a whole
// Authorization header value: bearer is false, with no error, when the value
// is empty or uses another scheme (RFC 6750 §3.1: a bare challenge). The
// verdicts are exactly those of the two calls in sequence; Authorize is
// faster because a token found in the cache skips the b64token scan: every
// cached token is canonical base64url, which that scan cannot reject.
func (v *Validator) Authorize(authorization []byte, now int64, method, path []byte, c *Claims) (bearer bool, err *Error) {
	t, bearer := bearerCredentials(authorization)
	if !bearer {
		return false, nil
	}
	return true, v.validate(t, now, method, path, true, c)
}

// validate is ValidateInto; with bearer set, token is the unchecked
// credentials of a Bearer header, and anything that is not a b64token is
// InvalidRequest (tested, before any other rule, only when the cache does not
// hold the token). The cache hit path is kept free of large values: see
// ValidateInto.
func (v *Validator) validate(token []byte, now int64, method, path []byte, bearer bool, c *Claims) *Error {
	var (
		h uint64
		e *entry
	)
	if len(token) <= v.maxBytes {
		h = hashToken(token)
		e = v.cache.get(h, token, now)
	}
	if e == nil {
		return v.validateMiss(token, h, now, method, path, bearer, c)
	}
	r, err := v.route(method, path)
	if err != nil {
		return err
	}
	v.hits++
	if !v.granted(e, r) {
		return r.scopeErr
	}
	e.claimsInto(c)
	return nil
}

// validateMiss is validate for a token the cache does not hold; h is its
// hash if it is no longer than maxBytes.
func (v *Validator) validateMiss(token []byte, h uint64, now int64, method, path []byte, bearer bool, c *Claims) *Error {
	if bearer && !isB64Token(token) {
		return errBadHeader
	}
	if len(token) > v.maxBytes {
		return errTooLarge
	}
	r, err := v.route(method, path)
	if err != nil {
		return err
	}
	v.misses++
	var t verified
	if err := v.verify(token, now, true, &t); err != nil {
		return err
	}
	cl := t.claims
	if e := v.cache.put(h, token, &cl, t.kid, t.jti, t.key, t.notBefore, t.deadline, now); e != nil {
		e.scopes = v.claimMask(cl.Scope)
		e.claimsInto(&cl)
		cl.Cached = false
	}
	if !hasScopes(cl.Scope, v.scopes, r.scopes) {
		return r.scopeErr
	}
	*c = cl
	return nil
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
