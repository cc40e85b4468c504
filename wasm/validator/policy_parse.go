package validator

import "github.com/tollgate/tollgate/jwks/strictjson"

// ParsePolicy parses a policy document strictly: unknown fields, duplicate
// fields and values of the wrong type are errors. It applies the defaults
// and validates the result as New does (without parsing the inline JWKS).
func ParsePolicy(data []byte) (*Policy, error) {
	p := &Policy{LeewaySeconds: DefaultLeewaySeconds}
	var obj strictjson.Object
	if err := obj.Reset(data); err != nil {
		return nil, policyError("", "not a JSON object", err)
	}
	for obj.Next() {
		name, raw := string(obj.Key()), obj.Value()
		var err error
		switch name {
		case "issuer":
			p.Issuer, err = stringValue(raw)
		case "audiences":
			p.Audiences, err = stringArray(raw)
		case "scopes":
			p.Scopes, err = stringArray(raw)
		case "algorithms":
			p.Algorithms, err = stringArray(raw)
		case "leeway_seconds":
			p.LeewaySeconds, err = intValue(raw)
		case "max_token_bytes":
			p.MaxTokenBytes, err = smallInt(raw)
		case "jwks":
			if strictjson.KindOf(raw) != strictjson.KindObject {
				err = strictjson.ErrType
			}
			p.JWKS = append([]byte(nil), raw...)
		case "jwks_url":
			p.JWKSURL, err = stringValue(raw)
		case "revocations_url":
			p.RevocationsURL, err = stringValue(raw)
		case "refresh_seconds":
			p.RefreshSeconds, err = intValue(raw)
		case "routes":
			p.Routes, err = routes(raw)
		case "cache_entries":
			p.CacheEntries, err = smallInt(raw)
			if err == nil && p.CacheEntries == 0 {
				p.CacheEntries = -1
			} else if p.CacheEntries < 0 {
				err = policyError(name, "must not be negative", nil)
			}
		case "cache_bytes":
			p.CacheBytes, err = smallInt(raw)
		case "realm":
			p.Realm, err = stringValue(raw)
		case "jwks_cluster":
			p.JWKSCluster, err = stringValue(raw)
		case "revocations_cluster":
			p.RevocationsCluster, err = stringValue(raw)
		default:
			return nil, policyError(name, "unknown field", nil)
		}
		if err != nil {
			if _, ok := err.(*detailError); ok {
				return nil, err
			}
			return nil, policyError(name, "wrong type", err)
		}
	}
	if err := obj.Err(); err != nil {
		return nil, policyError("", "malformed JSON", err)
	}
	p.applyDefaults()
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

func stringValue(raw []byte) (string, error) {
	s, err := strictjson.Unquote(raw, nil)
	return string(s), err
}

func stringArray(raw []byte) ([]string, error) {
	var a strictjson.Array
	if err := a.Reset(raw); err != nil {
		return nil, err
	}
	out := []string{}
	for a.Next() {
		s, err := stringValue(a.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, a.Err()
}

// intValue decodes an integer written without fraction or exponent.
func intValue(raw []byte) (int64, error) {
	for _, c := range raw {
		if c == '.' || c == 'e' || c == 'E' {
			return 0, strictjson.ErrType
		}
	}
	return strictjson.Int(raw)
}

func smallInt(raw []byte) (int, error) {
	v, err := intValue(raw)
	if err == nil && (v < -1<<31 || v > 1<<31-1) {
		return 0, strictjson.ErrRange
	}
	return int(v), err
}

func routes(raw []byte) ([]Route, error) {
	var a strictjson.Array
	if err := a.Reset(raw); err != nil {
		return nil, err
	}
	var out []Route
	for a.Next() {
		var r Route
		var obj strictjson.Object
		if err := obj.Reset(a.Value()); err != nil {
			return nil, err
		}
		for obj.Next() {
			var err error
			switch name := string(obj.Key()); name {
			case "method":
				r.Method, err = stringValue(obj.Value())
			case "path":
				r.Path, err = stringValue(obj.Value())
			case "scopes":
				r.Scopes, err = stringArray(obj.Value())
			default:
				return nil, policyError("routes", "unknown field "+quote(name), nil)
			}
			if err != nil {
				return nil, err
			}
		}
		if err := obj.Err(); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, a.Err()
}
