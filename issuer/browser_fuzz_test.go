package issuer

import (
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/issuer/store"
)

// FuzzSafeNext: whatever next is, the login page continues only to a clean
// path below the issuer's.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/o/authorize/?a=b", "//evil/", "/o/../x", "/o/%2e%2e/", "https://e/o/", "/o/\\x", "/o/a#b", "/o/a?b=//c"} {
		f.Add(s)
	}
	b := &browser{s: &Server{prefix: "/o"}}
	f.Fuzz(func(t *testing.T, next string) {
		got := b.safeNext(next)
		if got == "" {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(got, "/o/") || strings.HasPrefix(got, "//") {
			t.Fatalf("safeNext(%q) = %q: not a local path", next, got)
		}
		if c := path.Clean(u.Path); c != strings.TrimSuffix(u.Path, "/") && c != u.Path {
			t.Fatalf("safeNext(%q) = %q: path not clean", next, got)
		}
	})
}

// FuzzAuthorizeParams: any query either fails the client check, or parses
// into a request that keeps the rules: a registered (or loopback-port)
// redirect URI, a known response type the client may use, granted scopes,
// PKCE for a public client's code, tokens never in the query.
func FuzzAuthorizeParams(f *testing.F) {
	for _, s := range []string{
		"client_id=pub&response_type=code&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
		"client_id=pub&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=code",
		"client_id=conf&response_type=code+id_token&scope=openid&nonce=n&response_mode=query",
		"client_id=conf&response_type=token&prompt=none+login&max_age=1",
		"client_id=conf&response_type=id_token&scope=openid+read&nonce=x&state=%00",
	} {
		f.Add(s)
	}
	clients := map[string]*store.Client{
		"pub":  {ID: "pub", Type: store.Public, RedirectURIs: []string{"http://127.0.0.1/cb"}, GrantTypes: []string{store.GrantAuthorizationCode}, Scopes: []string{"read"}},
		"conf": {ID: "conf", Type: store.Confidential, RedirectURIs: []string{"https://a.example/cb"}, GrantTypes: []string{store.GrantAuthorizationCode}, Scopes: []string{"read"}, ResponseTypes: []string{"token", "id_token", "code id_token"}},
	}
	f.Fuzz(func(t *testing.T, query string) {
		fm, e := parseForm([]byte(query))
		if e != nil {
			return
		}
		id, e1 := fm.one("client_id")
		sent, e2 := fm.one("redirect_uri")
		c := clients[id]
		if e1 != nil || e2 != nil || c == nil {
			return
		}
		uri, ok := resolveRedirectURI(c, sent)
		if !ok {
			return
		}
		if !slices.Contains(c.RedirectURIs, uri) {
			lu, isLoop := loopbackURI(uri)
			if !isLoop || lu.Path != "/cb" || lu.Hostname() != "127.0.0.1" {
				t.Fatalf("redirect_uri %q accepted for %v", uri, c.RedirectURIs)
			}
		}
		r := &authzRequest{client: c, redirectURI: uri, sentURI: sent}
		if ae := r.parse(&fm); ae != nil {
			if ae.code == "" {
				t.Fatal("error without a code")
			}
			return
		}
		switch r.responseType {
		case respCode:
		case respToken, respIDToken, respCodeIDToken:
			if !slices.Contains(c.ResponseTypes, r.responseType) || r.responseMode != modeFragment {
				t.Fatalf("%s allowed for %v in mode %s", r.responseType, c.ResponseTypes, r.responseMode)
			}
		default:
			t.Fatalf("response_type %q", r.responseType)
		}
		for _, sc := range r.scopes {
			if !slices.Contains(c.Scopes, sc) && !slices.Contains(oidcScopes, sc) {
				t.Fatalf("scope %q granted", sc)
			}
		}
		if c.Type == store.Public && strings.Contains(r.responseType, respCode) && (r.challenge == "" || r.method != pkceS256) {
			t.Fatalf("public client's code without S256: %q %q", r.challenge, r.method)
		}
		if r.promptNone && (r.promptLogin || r.promptCons) {
			t.Fatal("prompt=none combined")
		}
	})
}
