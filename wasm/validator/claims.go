package validator

import "github.com/tollgate/tollgate/jwks/strictjson"

// str decodes a JSON string value, unescaping into v.strs when needed.
func (v *Validator) str(raw []byte) ([]byte, error) {
	return strictjson.Unquote(raw, &v.strs)
}

// forwardable reports whether a claim may be forwarded as an HTTP header
// value: no control characters.
func forwardable(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// checkClaims parses the JWT claims set in v.payload (RFC 7519 §4.1,
// RFC 9068 §2.2) and applies the policy at time now.
func (v *Validator) checkClaims(now int64, t *verified) *Error {
	o := &v.obj
	if o.Reset(v.payload) != nil {
		return errClaims
	}
	var (
		issOK, audOK, audSeen       bool
		hasExp, hasNbf, hasIat, cnf bool
		exp, nbf, iat               int64
		issSeen                     bool
		err                         error
	)
	for o.Next() {
		val := o.Value()
		switch string(o.Key()) {
		case "iss":
			if strictjson.KindOf(val) != strictjson.KindString {
				return errClaims
			}
			issSeen, issOK = true, strictjson.EqualString(val, v.issuer)
		case "aud":
			audSeen = true
			if audOK, err = v.audience(val); err != nil {
				return errClaims
			}
		case "exp":
			hasExp = true
			if exp, err = strictjson.Int(val); err != nil {
				return errClaims
			}
		case "nbf":
			hasNbf = true
			if nbf, err = strictjson.Int(val); err != nil {
				return errClaims
			}
		case "iat":
			hasIat = true
			if iat, err = strictjson.Int(val); err != nil {
				return errClaims
			}
		case "sub":
			if t.claims.Subject, err = v.str(val); err != nil || !forwardable(t.claims.Subject) {
				return errClaims
			}
		case "client_id":
			if t.claims.ClientID, err = v.str(val); err != nil || !forwardable(t.claims.ClientID) {
				return errClaims
			}
		case "scope":
			if t.claims.Scope, err = v.str(val); err != nil || !forwardable(t.claims.Scope) {
				return errClaims
			}
		case "jti":
			if t.jti, err = v.str(val); err != nil {
				return errClaims
			}
		case "cnf":
			// A confirmation claim binds the token to a key the client must
			// prove possession of (RFC 7800, RFC 8705, RFC 9449); as a bare
			// bearer token it must not pass.
			cnf = true
		}
	}
	if o.Err() != nil {
		return errClaims
	}
	switch {
	case !issSeen || !issOK:
		return errIssuer
	case !audSeen || !audOK:
		return errAudience
	case !hasExp:
		return errNoExpiry
	case now-v.leeway >= exp:
		return errExpired
	case hasNbf && nbf > now+v.leeway:
		return errNotYetValid
	case hasIat && iat > now+v.leeway:
		return errIssuedInFuture
	case cnf:
		return errBound
	}
	if t.jti != nil {
		if _, revoked := v.revoked[string(t.jti)]; revoked {
			return errRevoked
		}
	}
	t.claims.Expiry = exp
	t.deadline = exp + v.leeway
	if t.deadline < exp { // overflow
		t.deadline = 1<<63 - 1
	}
	t.notBefore = -1 << 63
	if hasNbf {
		t.notBefore = max(t.notBefore, nbf-v.leeway)
	}
	if hasIat {
		t.notBefore = max(t.notBefore, iat-v.leeway)
	}
	return nil
}

// audience reports whether the aud value (a string or an array of strings,
// RFC 7519 §4.1.3) names one of the policy's audiences.
func (v *Validator) audience(raw []byte) (bool, error) {
	switch strictjson.KindOf(raw) {
	case strictjson.KindString:
		return v.allowedAudience(raw), nil
	case strictjson.KindArray:
		var a strictjson.Array
		if err := a.Reset(raw); err != nil {
			return false, err
		}
		ok := false
		for a.Next() {
			if strictjson.KindOf(a.Value()) != strictjson.KindString {
				return false, strictjson.ErrType
			}
			ok = ok || v.allowedAudience(a.Value())
		}
		return ok, a.Err()
	}
	return false, strictjson.ErrType
}

func (v *Validator) allowedAudience(raw []byte) bool {
	for _, aud := range v.audiences {
		if strictjson.EqualString(raw, aud) {
			return true
		}
	}
	return false
}
