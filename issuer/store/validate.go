package store

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on record fields.
const (
	maxNameLen = 200  // client name, username (bytes)
	maxIDLen   = 255  // client id (bytes)
	maxURILen  = 2000 // redirect URI (bytes)
)

// grantTypes lists the grant types a client may be allowed.
var grantTypes = []string{GrantAuthorizationCode, GrantClientCredentials, GrantPassword, GrantRefreshToken}

// signingAlgs lists the JWS algorithms the issuer signs with.
var signingAlgs = []string{"ES256", "EdDSA", "RS256", "PS256"}

// GrantTypes returns the grant types a client may be allowed.
func GrantTypes() []string { return slices.Clone(grantTypes) }

// SigningAlgs returns the JWS algorithms a client may ask for.
func SigningAlgs() []string { return slices.Clone(signingAlgs) }

// responseTypes lists the values allowed in Client.ResponseTypes.
var responseTypes = []string{"code", "id_token", "code id_token", "token"}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Validate reports, as an ErrInvalid naming the field, the first problem with
// c: empty or oversized name, malformed id, unknown type, a confidential client
// without a secret hash or a public client with one, no or unknown or repeated
// grant types, client_credentials for a public client, authorization_code
// without a redirect URI, a redirect URI that is not absolute or has a
// fragment, a malformed scope token, a negative token lifetime, or an unknown
// algorithm or response type. An empty ID is valid (CreateClient assigns one).
func (c *Client) Validate() error {
	if err := checkName("name", c.Name); err != nil {
		return err
	}
	if c.ID != "" && !isURLSafe(c.ID, maxIDLen) {
		return invalid("client_id %q: want 1-%d characters of A-Z a-z 0-9 - . _ ~", c.ID, maxIDLen)
	}
	switch c.Type {
	case Confidential:
		if len(c.SecretHash) != len(secretHashPrefix)+sha256.Size || !strings.HasPrefix(string(c.SecretHash), secretHashPrefix) {
			return invalid("a confidential client needs a secret hash (see NewSecret)")
		}
	case Public:
		if c.SecretHash != nil {
			return invalid("a public client has no secret")
		}
	default:
		return invalid("client type %q: want %q or %q", c.Type, Confidential, Public)
	}
	if len(c.GrantTypes) == 0 {
		return invalid("no grant type: want one or more of %s", strings.Join(grantTypes, ", "))
	}
	if err := checkSet("grant type", c.GrantTypes, grantTypes); err != nil {
		return err
	}
	if c.Type == Public && c.AllowsGrant(GrantClientCredentials) {
		return invalid("grant type %s needs a confidential client", GrantClientCredentials)
	}
	if c.AllowsGrant(GrantAuthorizationCode) && len(c.RedirectURIs) == 0 {
		return invalid("grant type %s needs at least one redirect URI", GrantAuthorizationCode)
	}
	if err := checkURIs("redirect URI", c.RedirectURIs); err != nil {
		return err
	}
	if err := checkURIs("post-logout redirect URI", c.PostLogoutRedirectURIs); err != nil {
		return err
	}
	for i, o := range c.AllowedOrigins {
		if p, err := ParseOrigin(o); err != nil || p != o {
			return invalid("allowed origin %q: want scheme://host[:port] as a browser sends it in Origin", o)
		}
		if slices.Contains(c.AllowedOrigins[:i], o) {
			return invalid("allowed origin %q listed twice", o)
		}
	}
	for i, s := range c.Scopes {
		if !isScopeToken(s) {
			return invalid("scope %q: not an RFC 6749 scope token", s)
		}
		if slices.Contains(c.Scopes[:i], s) {
			return invalid("scope %q listed twice", s)
		}
	}
	if c.AccessTokenTTL < 0 {
		return invalid("access token lifetime %v is negative", c.AccessTokenTTL)
	}
	for _, a := range c.Audience {
		if a == "" || strings.ContainsFunc(a, unicode.IsControl) {
			return invalid("audience %q: empty or contains control characters", a)
		}
	}
	if c.SigningAlg != "" && !slices.Contains(signingAlgs, c.SigningAlg) {
		return invalid("signing algorithm %q: want one of %s", c.SigningAlg, strings.Join(signingAlgs, ", "))
	}
	if c.IDTokenSignedResponseAlg != "" && !slices.Contains(signingAlgs, c.IDTokenSignedResponseAlg) {
		return invalid("id token algorithm %q: want one of %s", c.IDTokenSignedResponseAlg, strings.Join(signingAlgs, ", "))
	}
	return checkSet("response type", c.ResponseTypes, responseTypes)
}

// Validate reports, as an ErrInvalid, an empty, oversized or control-character
// username, or one with spaces. An empty ID is valid (CreateUser assigns one).
func (u *User) Validate() error {
	if err := checkName("username", u.Username); err != nil {
		return err
	}
	if strings.ContainsFunc(u.Username, unicode.IsSpace) {
		return invalid("username %q contains white space", u.Username)
	}
	if u.ID != "" && !isURLSafe(u.ID, maxIDLen) {
		return invalid("user id %q: want 1-%d characters of A-Z a-z 0-9 - . _ ~", u.ID, maxIDLen)
	}
	return nil
}

func checkName(field, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return invalid("%s is empty", field)
	case len(s) > maxNameLen:
		return invalid("%s is longer than %d bytes", field, maxNameLen)
	case !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
		return invalid("%s %q contains control characters or invalid UTF-8", field, s)
	case s != strings.TrimSpace(s):
		return invalid("%s %q has leading or trailing space", field, s)
	}
	return nil
}

// checkSet reports an element of got not in known, or repeated.
func checkSet(field string, got, known []string) error {
	for i, g := range got {
		if !slices.Contains(known, g) {
			return invalid("unknown %s %q: want one of %s", field, g, strings.Join(known, ", "))
		}
		if slices.Contains(got[:i], g) {
			return invalid("%s %q listed twice", field, g)
		}
	}
	return nil
}

// checkURIs requires absolute URIs without a fragment (RFC 6749 §3.1.2);
// http and https ones need a host. Custom schemes of native apps are allowed.
func checkURIs(field string, uris []string) error {
	for i, s := range uris {
		u, err := url.Parse(s)
		switch {
		case len(s) > maxURILen:
			return invalid("%s longer than %d bytes", field, maxURILen)
		case err != nil:
			return invalid("%s %q: %v", field, s, err)
		case !u.IsAbs():
			return invalid("%s %q is not absolute", field, s)
		case strings.Contains(s, "#"):
			return invalid("%s %q has a fragment", field, s)
		case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
			return invalid("%s %q has no host", field, s)
		case strings.ContainsFunc(s, unicode.IsSpace):
			return invalid("%s %q contains white space", field, s)
		case slices.Contains(uris[:i], s):
			return invalid("%s %q listed twice", field, s)
		}
	}
	return nil
}

// ParseOrigin returns the origin s names, serialized as browsers send it
// in the Origin header (RFC 6454 §6.2): http or https, the host in lower
// case, the port only when it is not the scheme's default. A trailing "/"
// is tolerated; any other path, a query, a fragment or userinfo is an
// error, as is "*" or "null".
func ParseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", err
	case u.Scheme != "http" && u.Scheme != "https": // Parse lowers the scheme
		return "", fmt.Errorf("origin %q: want an http or https scheme", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("origin %q has no host", s)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("origin %q has userinfo, a query or a fragment", s)
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("origin %q has a path", s)
	case strings.ContainsFunc(s, unicode.IsSpace) || len(s) > maxURILen:
		return "", fmt.Errorf("origin %q is malformed", s)
	}
	return SerializeOrigin(u), nil
}

// SerializeOrigin returns the origin of u as browsers serialize it: scheme
// and host in lower case, the scheme's default port left out.
func SerializeOrigin(u *url.URL) string {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if p := u.Port(); (scheme == "http" && p == "80") || (scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return scheme + "://" + host
}

// isScopeToken reports whether s is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func isScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func isURLSafe(s string, limit int) bool {
	if s == "" || len(s) > limit {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}
