package validator

import "bytes"

// requirements returns the scopes the request needs beyond the policy's and
// the denial that names them all, or InvalidRequest for a path that routes
// cannot judge safely.
func (v *Validator) requirements(method, path []byte) (*Error, []string, *Error) {
	if len(v.routes) == 0 {
		return v.scopeErr, nil, nil
	}
	if i := bytes.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !canonicalPath(path) {
		return nil, nil, errBadPath
	}
	for i := range v.routes {
		if r := &v.routes[i]; r.matches(method, path) {
			return r.scopeErr, r.scopes, nil
		}
	}
	return v.scopeErr, nil, nil
}

func (r *route) matches(method, path []byte) bool {
	if r.method != "" && r.method != string(method) {
		return false
	}
	if !r.prefix {
		return string(path) == r.path
	}
	// "/admin/*": "/admin" itself or anything below "/admin/".
	return bytes.HasPrefix(path, []byte(r.path)) &&
		(len(path) == len(r.path) || path[len(r.path)] == '/')
}

// canonicalPath reports whether path is an absolute path that every server
// resolves the same way, so that a route cannot be dodged: no empty, "." or
// ".." segments, no backslash, no malformed percent-encoding, and no
// percent-encoded slash, backslash or unreserved character (RFC 3986
// §6.2.2.2: "/%61dmin" is "/admin" to the upstream, so it must not slip
// past an "/admin/*" route).
func canonicalPath(path []byte) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	start := 1 // of the current segment
	for i := 1; i <= len(path); i++ {
		if i < len(path) {
			switch c := path[i]; {
			case c == '\\':
				return false
			case c == '%' && (i+2 >= len(path) || !canonicalEscape(path[i+1], path[i+2])):
				return false
			case c != '/':
				continue
			}
		}
		seg := path[start:i]
		if len(seg) == 0 && i < len(path) { // "//"; a trailing "/" is fine
			return false
		}
		if string(seg) == "." || string(seg) == ".." {
			return false
		}
		start = i + 1
	}
	return true
}

// canonicalEscape reports whether %XY is a well-formed escape that a
// normalizing server leaves encoded: not '/', '\\' or an unreserved character.
func canonicalEscape(x, y byte) bool {
	hi, ok1 := unhex(x)
	lo, ok2 := unhex(y)
	if !ok1 || !ok2 {
		return false
	}
	switch c := hi<<4 | lo; {
	case c == '/', c == '\\', c == '-', c == '.', c == '_', c == '~',
		c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return false
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hasScopes reports whether the space-separated scope claim holds every
// scope in a and b (RFC 6749 §3.3, RFC 9068 §2.2.3).
func hasScopes(claim []byte, a, b []string) bool {
	for _, s := range a {
		if !hasScope(claim, s) {
			return false
		}
	}
	for _, s := range b {
		if !hasScope(claim, s) {
			return false
		}
	}
	return true
}

func hasScope(claim []byte, s string) bool {
	for len(claim) > 0 {
		i := bytes.IndexByte(claim, ' ')
		if i < 0 {
			return string(claim) == s
		}
		if string(claim[:i]) == s {
			return true
		}
		claim = claim[i+1:]
	}
	return false
}
