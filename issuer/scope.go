package issuer

import (
	"slices"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
)

// maxScopeTokens bounds the scope tokens of one request.
const maxScopeTokens = 64

// grantScope returns the space-separated scope to grant when a client
// allowed the scopes in allowed asks for requested (RFC 6749 §3.3): every
// requested token must be allowed, else invalid_scope; an empty request
// means all allowed scopes. Tokens are separated by single spaces in the
// result, in request order, without duplicates.
func grantScope(requested string, allowed []string) (string, *Error) {
	canonical := true
	n := 0
	var seen [maxScopeTokens]string
	for rest := requested; rest != ""; {
		tok := rest
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
			if rest == "" {
				canonical = false // trailing space
			}
		} else {
			rest = ""
		}
		if tok == "" {
			canonical = false
			continue
		}
		if !validScopeToken(tok) {
			return "", errInvalidScope("malformed scope")
		}
		if !contains(allowed, tok) {
			return "", errInvalidScope("scope " + tok + " is not allowed for this client")
		}
		if contains(seen[:n], tok) {
			canonical = false
			continue
		}
		if n == maxScopeTokens {
			return "", errInvalidScope("too many scopes")
		}
		seen[n] = tok
		n++
	}
	switch {
	case n == 0:
		return strings.Join(allowed, " "), nil
	case canonical:
		return requested, nil
	}
	return strings.Join(seen[:n], " "), nil
}

// validScopeToken reports whether tok is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(tok string) bool {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return tok != ""
}

// browserScopes are the scopes a user may grant client c in the browser
// flows: its allowed scopes and the OpenID Connect ones, which concern the
// user.
func browserScopes(c *store.Client) []string {
	return append(slices.Clone(c.Scopes), oidcScopes...)
}

// stillAllowed returns the scopes of granted that c may still be given
// (browserScopes): the client's settings may have changed since.
func stillAllowed(c *store.Client, granted []string) []string {
	allowed := browserScopes(c)
	return slices.DeleteFunc(slices.Clone(granted), func(sc string) bool { return !contains(allowed, sc) })
}
