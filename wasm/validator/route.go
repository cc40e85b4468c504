package validator

import "bytes"

// route returns the route whose scopes the request needs beyond the
// policy's (with the denial that names them all), v.policyRoute when no route
// matches, or InvalidRequest for a path that routes cannot judge safely.
func (v *Validator) route(method, path []byte) (*route, *Error) {
	if len(v.routes) == 0 {
		return &v.policyRoute, nil
	}
	path, ok := canonicalPath(path)
	if !ok {
		return nil, errBadPath
	}
	if bytes.IndexByte(path, ';') >= 0 {
		// Servlet containers (Tomcat, Jetty) and Spring drop path
		// parameters before routing: "/admin;x/y" is "/admin/y" to them
		// and "/public/..;/admin" is "/admin". Routes judge the path they
		// will see, which must be canonical too.
		v.pathBuf = stripPathParams(v.pathBuf[:0], path)
		if path, ok = canonicalPath(v.pathBuf); !ok {
			return nil, errBadPath
		}
	}
	for i := range v.routes {
		if r := &v.routes[i]; r.matches(method, path) {
			return r, nil
		}
	}
	return &v.policyRoute, nil
}

// matches reports whether a request falls under r. A GET route also
// covers HEAD, which servers answer as GET without the body; an exact path
// also covers itself with a trailing slash, which many servers route alike.
func (r *route) matches(method, path []byte) bool {
	if r.method != "" && !equalString(method, r.method) && (r.method != "GET" || !equalString(method, "HEAD")) {
		return false
	}
	if !r.prefix {
		return equalString(path, r.path) ||
			len(path) == len(r.path)+1 && path[len(r.path)] == '/' && equalString(path[:len(r.path)], r.path)
	}
	// "/admin/*": "/admin" itself or anything below "/admin/".
	return len(path) >= len(r.path) && equalString(path[:len(r.path)], r.path) &&
		(len(path) == len(r.path) || path[len(r.path)] == '/')
}

// equalString reports whether b holds s. It is string(b) == s for TinyGo,
// which allocates that conversion.
func equalString(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if b[i] != s[i] {
			return false
		}
	}
	return true
}

// Classes of path bytes for canonicalPath; 0 is every byte it passes over.
const (
	pathSlash = 1 + iota
	pathEscape
	pathBackslash
	pathEnd // '?' or '#': the query or fragment starts
)

var pathClass = [256]uint8{'/': pathSlash, '%': pathEscape, '\\': pathBackslash, '?': pathEnd, '#': pathEnd}

// canonicalPath returns path without its query or fragment, and whether that
// is an absolute path that every server resolves the same way, so that a
// route cannot be dodged: no empty, "." or ".." segments, no backslash, no
// malformed percent-encoding, and no percent-encoded slash, backslash or
// unreserved character (RFC 3986 §6.2.2.2: "/%61dmin" is "/admin" to the
// upstream, so it must not slip past an "/admin/*" route). It makes one pass
// with one table lookup per byte: in WebAssembly every branch counts.
func canonicalPath(path []byte) ([]byte, bool) {
	if len(path) == 0 || path[0] != '/' {
		return nil, false
	}
	start, n := 1, len(path) // start of the current segment, end of the path
	for i := 1; i < n; i++ {
		k := pathClass[path[i]]
		if k == 0 {
			continue
		}
		switch k {
		case pathSlash:
			if i == start || dotSegment(path[start:i]) { // "//", "/./", "/../"
				return nil, false
			}
			start = i + 1
		case pathEscape:
			if i+2 >= n || !canonicalEscape(path[i+1], path[i+2]) {
				return nil, false
			}
		case pathBackslash:
			return nil, false
		case pathEnd:
			n = i
		}
	}
	if dotSegment(path[start:n]) { // a trailing "/" is fine, "/." is not
		return nil, false
	}
	return path[:n], true
}

// stripPathParams appends path to dst without the parameters of its
// segments (from each ';' to the end of that segment).
func stripPathParams(dst, path []byte) []byte {
	for len(path) > 0 {
		i := bytes.IndexByte(path, ';')
		if i < 0 {
			return append(dst, path...)
		}
		dst = append(dst, path[:i]...)
		path = path[i:]
		if j := bytes.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		} else {
			path = nil
		}
	}
	return dst
}

// dotSegment reports whether seg is "." or "..".
func dotSegment(seg []byte) bool {
	return len(seg) == 1 && seg[0] == '.' || len(seg) == 2 && seg[0] == '.' && seg[1] == '.'
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
