package jwks

import "github.com/tollgate/tollgate/jwks/strictjson"

// Set is a parsed JWK set: its usable keys in document order. A Set from
// Parse is never modified afterwards and is safe for concurrent reads.
type Set struct {
	Keys []*Key
	// Ignored counts well-formed keys that were skipped: not for signature
	// verification, or of a type or algorithm this package does not support.
	Ignored int
}

// Parse parses a JWK set document ({"keys": [...]}) strictly, with the
// default Options; see the package documentation for the rules.
func Parse(data []byte) (*Set, error) { return ParseWithOptions(data, nil) }

// ParseWithOptions is Parse with options; nil means the defaults.
func ParseWithOptions(data []byte, o *Options) (*Set, error) {
	var doc strictjson.Object
	_ = doc.Reset(data) // a bad start is reported by Err too
	var keys []byte
	for doc.Next() {
		if string(doc.Key()) == "keys" {
			keys = doc.Value()
		}
	}
	if err := doc.Err(); err != nil {
		if err == strictjson.ErrType {
			return nil, &memberError{key: -1, err: ErrNotSet, cause: err}
		}
		return nil, &memberError{key: -1, err: ErrMalformed, cause: err}
	}
	if strictjson.KindOf(keys) != strictjson.KindArray {
		return nil, &memberError{key: -1, member: "keys", err: ErrNotSet}
	}
	s := &Set{}
	var arr strictjson.Array
	_ = arr.Reset(keys) // a bad start is reported by Err too
	for i := 0; arr.Next(); i++ {
		k, usable, err := parseKey(arr.Value(), o, i)
		if err != nil {
			return nil, err
		}
		if !usable {
			s.Ignored++
			continue
		}
		if k.Kid != "" && s.Lookup(k.Kid) != nil {
			return nil, &memberError{key: i, member: "kid", err: ErrDuplicateKid}
		}
		if len(s.Keys) > 0 && (k.Kty == "oct") != (s.Keys[0].Kty == "oct") {
			return nil, &memberError{key: i, member: "kty", err: ErrMixedKeySet}
		}
		s.Keys = append(s.Keys, k)
	}
	if err := arr.Err(); err != nil {
		return nil, &memberError{key: -1, member: "keys", err: ErrMalformed, cause: err}
	}
	return s, nil
}

// Lookup returns the usable key whose kid is kid, or nil. The empty kid
// matches no key.
func (s *Set) Lookup(kid string) *Key {
	if s == nil || kid == "" {
		return nil
	}
	for _, k := range s.Keys {
		if k.Kid == kid {
			return k
		}
	}
	return nil
}

// LookupBytes is Lookup for a kid held in a byte slice; it does not allocate.
func (s *Set) LookupBytes(kid []byte) *Key {
	if s == nil || len(kid) == 0 {
		return nil
	}
	for _, k := range s.Keys {
		if k.Kid == string(kid) {
			return k
		}
	}
	return nil
}
