// Package xauth recognises the X-Auth-* request fields the edge sets on
// allowed requests and strips from incoming ones.
package xauth

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

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

// StripTrailers removes the X-Auth-* fields (see IsField) of a chunked
// request's trailer, names and values: fasthttp's Peek falls back to
// trailer fields, so a handler would see a forged one, and fasthttp writes
// the trailer on as it arrived. Values go first: fasthttp moves the
// values of names dropped from the trailer set into the header section.
func StripTrailers(h *fasthttp.RequestHeader) {
	found := false
	for k := range h.Trailers() {
		found = found || IsField(k)
	}
	if !found {
		return
	}
	var drop [][]byte
	var keep []byte
	for k := range h.Trailers() {
		if IsField(k) {
			drop = append(drop, bytes.Clone(k))
		} else {
			keep = append(append(keep, k...), ',')
		}
	}
	for _, k := range drop {
		h.DelBytes(k)
	}
	_ = h.SetTrailerBytes(bytes.TrimSuffix(keep, []byte(",")))
}
