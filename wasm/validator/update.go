package validator

import (
	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/jwks/strictjson"
)

// SetKeys replaces the key set from the JWKS URL with the JWK set document
// jwksJSON (public keys only: oct keys are rejected). On error the previous
// keys stay. A kid that is also in the policy's inline set must name the
// same key. Cached tokens whose key is gone or changed are evicted.
func (v *Validator) SetKeys(jwksJSON []byte) error {
	set, err := jwks.Parse(jwksJSON)
	if err != nil {
		return err
	}
	for _, k := range set.Keys {
		if ik := v.inline.Lookup(k.Kid); ik != nil && !ik.Equal(k) {
			return &detailError{err: ErrKidConflict, field: k.Kid}
		}
	}
	v.keys = set
	v.cache.removeIf(func(e *entry) bool {
		k := v.key(e.buf[e.scope:e.kid])
		if k == nil || !k.Equal(e.key) {
			return true
		}
		e.key = k
		return false
	})
	return nil
}

// key returns the key for kid from the inline set, else from SetKeys' set.
func (v *Validator) key(kid []byte) *jwks.Key {
	if k := v.inline.LookupBytes(kid); k != nil {
		return k
	}
	return v.keys.LookupBytes(kid)
}

// SetRevocations replaces the revocation set with feed, the issuer's
// revocation list: a JSON array of objects with a string "jti" and an
// optional numeric "exp" (other members are ignored; an empty jti names no
// token). On error the previous
// set stays. Cached tokens whose jti is revoked are evicted.
func (v *Validator) SetRevocations(feed []byte) error {
	var arr strictjson.Array
	if err := arr.Reset(feed); err != nil {
		return &detailError{err: ErrRevocations, reason: "not a JSON array", cause: err}
	}
	revoked := map[string]int64{}
	var obj strictjson.Object
	for arr.Next() {
		if err := obj.Reset(arr.Value()); err != nil {
			return &detailError{err: ErrRevocations, reason: "element is not an object", cause: err}
		}
		var jti []byte
		var exp int64
		for obj.Next() {
			var err error
			switch string(obj.Key()) {
			case "jti":
				jti, err = strictjson.Unquote(obj.Value(), nil)
			case "exp":
				exp, err = strictjson.Int(obj.Value())
			}
			if err != nil {
				return &detailError{err: ErrRevocations, field: string(obj.Key()), cause: err}
			}
		}
		if err := obj.Err(); err != nil {
			return &detailError{err: ErrRevocations, cause: err}
		}
		if jti == nil {
			return &detailError{err: ErrRevocations, field: "jti", reason: "missing"}
		}
		if len(jti) > 0 { // an empty jti names no token
			revoked[string(jti)] = exp
		}
	}
	if err := arr.Err(); err != nil {
		return &detailError{err: ErrRevocations, cause: err}
	}
	v.revoked = revoked
	v.cache.removeIf(func(e *entry) bool {
		jti := e.buf[e.kid:e.jti]
		_, r := revoked[string(jti)]
		return r && len(jti) > 0
	})
	return nil
}
