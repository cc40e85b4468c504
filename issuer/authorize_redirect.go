package issuer

import (
	"net/url"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
)

// maxRedirectURILen bounds a redirect_uri (store's limit for registered ones).
const maxRedirectURILen = 2000

// resolveRedirectURI returns the redirect URI an authorization response for
// c goes to, given the redirect_uri parameter sent ("" when omitted), or ok
// false when there is none we may use. It is checked before anything else
// in the request, and a failure is never answered by a redirect.
//
// The sent value must equal a registered URI as a string (RFC 9700
// §4.1.1: no pattern or prefix matching), with one exception, RFC 8252
// §7.3: a registered loopback IP redirect URI — http, host literally
// 127.0.0.1 or [::1] — matches a sent one that differs only in the port,
// because native apps listen on whatever ephemeral port is free. The host
// must be the same literal. "localhost" gets no such leeway: RFC 8252 §8.3
// calls it NOT RECOMMENDED, since the name can resolve off the machine or
// be shadowed by another listener; a localhost URI must match exactly.
//
// An omitted redirect_uri is allowed only when c registered exactly one
// (RFC 6749 §3.1.2.3).
func resolveRedirectURI(c *store.Client, sent string) (string, bool) {
	if sent == "" {
		if len(c.RedirectURIs) == 1 {
			return c.RedirectURIs[0], true
		}
		return "", false
	}
	if len(sent) > maxRedirectURILen {
		return "", false
	}
	for _, r := range c.RedirectURIs {
		if r == sent {
			return sent, true
		}
	}
	su, ok := loopbackURI(sent)
	if !ok {
		return "", false
	}
	for _, r := range c.RedirectURIs {
		ru, ok := loopbackURI(r)
		if ok && ru.Hostname() == su.Hostname() && ru.EscapedPath() == su.EscapedPath() &&
			ru.RawQuery == su.RawQuery && ru.ForceQuery == su.ForceQuery {
			return sent, true
		}
	}
	return "", false
}

// loopbackURI parses s when it is an RFC 8252 §7.3 loopback redirect URI:
// http, host 127.0.0.1 or [::1], an optional numeric port, no userinfo or
// fragment.
func loopbackURI(s string) (*url.URL, bool) {
	if !strings.HasPrefix(s, "http://127.0.0.1") && !strings.HasPrefix(s, "http://[::1]") {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.Fragment != "" || strings.Contains(s, "#") || u.Opaque != "" {
		return nil, false
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "::1" {
		return nil, false
	}
	if p := u.Port(); p != "" {
		if len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return nil, false
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, false
	}
	return u, true
}
