// Package xauth recognises the X-Auth-* request fields the edge sets on
// allowed requests and strips from incoming ones.
package xauth

// IsField reports whether a header or trailer field name starts with
// X-Auth-, ignoring ASCII case and reading '_' as '-': CGI, WSGI, PHP, Rack
// and nginx (with underscores_in_headers) map X_Auth_Subject to the same
// variable as X-Auth-Subject, so a client must not get that spelling
// through either.
func IsField[T string | []byte](name T) bool {
	const lower = "x-auth-"
	if len(name) < len(lower) {
		return false
	}
	for i := range len(lower) {
		c := name[i]
		switch {
		case c == '_':
			c = '-'
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
