package issuer

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

const (
	webCB = "https://app.example/cb"
	spaCB = "http://127.0.0.1/callback"
)

// authzClients registers the clients of the authorization tests:
// web (confidential, two redirect URIs), one (confidential, one URI, query
// in it), spa (public, loopback), hybrid (id_token, code id_token and token
// enabled), skip (skip_authorization), plain (public, plain PKCE allowed),
// and svc (client_credentials only). It returns their secrets by id.
func authzClients(h *bh) map[string]string {
	m := map[string]string{}
	add := func(c store.Client) {
		cl, secret := h.addClient(c)
		m[cl.ID] = secret
	}
	add(store.Client{ID: "web", Name: "Web <App> & Co", RedirectURIs: []string{webCB, "https://app.example/other"}, Scopes: []string{"read", "write"}})
	add(store.Client{ID: "one", RedirectURIs: []string{"https://one.example/cb?tenant=7"}, Scopes: []string{"read"}})
	add(store.Client{ID: "spa", Type: store.Public, RedirectURIs: []string{spaCB, "http://[::1]:8080/cb", "http://localhost/cb"}, Scopes: []string{"read"}})
	add(store.Client{ID: "hybrid", RedirectURIs: []string{webCB}, Scopes: []string{"read"},
		ResponseTypes: []string{"code id_token", "id_token", "token"}, PostLogoutRedirectURIs: []string{"https://app.example/bye"}})
	add(store.Client{ID: "skip", RedirectURIs: []string{webCB}, Scopes: []string{"read"}, SkipAuthorization: true})
	add(store.Client{ID: "plain", Type: store.Public, RedirectURIs: []string{spaCB}, AllowPlainPKCE: true})
	add(store.Client{ID: "svc", GrantTypes: []string{store.GrantClientCredentials}, RedirectURIs: []string{webCB}})
	return m
}

// wantAuthzResponse asserts a redirect to base carrying want (and nothing
// about other params), plus iss; in the query or, with fragment, the
// fragment.
func wantAuthzResponse(t *testing.T, r *tresp, base string, fragment bool, want map[string]string) url.Values {
	t.Helper()
	if r.StatusCode != 302 && r.StatusCode != 303 {
		t.Fatalf("status %d, want a redirect\n%s", r.StatusCode, r.body)
	}
	u := r.location(t)
	got := u.Query()
	if fragment {
		got = fragmentParams(t, u)
	}
	stripped := *u
	stripped.RawQuery, stripped.Fragment, stripped.RawFragment = "", "", ""
	if fragment {
		stripped.RawQuery = u.RawQuery
	}
	if base != "" && stripped.String() != base {
		t.Errorf("redirected to %s, want %s", stripped.String(), base)
	}
	if got.Get("iss") != testIssuer {
		t.Errorf("iss = %q, want %q", got.Get("iss"), testIssuer)
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q (response %s)", k, got.Get(k), v, u)
		}
	}
	return got
}

// TestAuthorizeBadClientOrRedirectURI: client_id and redirect_uri are
// checked first; a failure is an HTML 400 page, never a redirect.
func TestAuthorizeBadClientOrRedirectURI(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	tests := []struct{ name, url string }{
		{"no client_id", authorizeURL("response_type", "code", "redirect_uri", webCB)},
		{"unknown client", authorizeURL("client_id", "nobody", "response_type", "code", "redirect_uri", webCB)},
		{"repeated client_id", "/o/authorize/?client_id=web&client_id=web&response_type=code&redirect_uri=" + url.QueryEscape(webCB)},
		{"repeated redirect_uri", "/o/authorize/?client_id=web&response_type=code&redirect_uri=a&redirect_uri=" + url.QueryEscape(webCB)},
		{"malformed query", "/o/authorize/?client_id=web&redirect_uri=%zz"},
		{"unregistered URI", authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", "https://evil.example/cb")},
		{"prefix of a registered URI", authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", "https://app.example/c")},
		{"registered URI plus path", authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", webCB+"/x")},
		{"registered URI plus query", authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", webCB+"?x=1")},
		{"different case", authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", "https://APP.example/cb")},
		{"omitted with two registered", authorizeURL("client_id", "web", "response_type", "code")},
		{"client without redirect-capable grant, bad URI", authorizeURL("client_id", "svc", "response_type", "code", "redirect_uri", "https://x.example/")},
		{"localhost port change", authorizeURL("client_id", "spa", "response_type", "code", "redirect_uri", "http://localhost:5555/cb")},
		{"loopback path change", authorizeURL("client_id", "spa", "response_type", "code", "redirect_uri", "http://127.0.0.1:5555/callback2")},
		{"loopback https", authorizeURL("client_id", "spa", "response_type", "code", "redirect_uri", "https://127.0.0.1:5555/callback")},
		{"loopback other literal", authorizeURL("client_id", "spa", "response_type", "code", "redirect_uri", "http://[::1]:5555/callback")},
		{"bad response_type does not matter first", authorizeURL("client_id", "web", "response_type", "nope", "redirect_uri", "https://evil.example/")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(tt.url)
			if r.StatusCode != 400 || r.Header.Get("Location") != "" {
				t.Fatalf("status %d, Location %q; want 400 and no redirect", r.StatusCode, r.Header.Get("Location"))
			}
			wantPageHeaders(t, r)
			if !strings.Contains(r.body, "<title>Invalid authorization request") {
				t.Errorf("not the error page:\n%s", r.body)
			}
		})
	}
}

// TestResolveRedirectURI: exact match, or a loopback IP URI whose port
// alone differs (RFC 8252 §7.3); never localhost.
func TestResolveRedirectURI(t *testing.T) {
	c := &store.Client{RedirectURIs: []string{"http://127.0.0.1/cb", "http://[::1]:8080/cb?x=1", "http://localhost/cb", webCB}}
	tests := []struct {
		sent, want string
		ok         bool
	}{
		{webCB, webCB, true},
		{"http://127.0.0.1/cb", "http://127.0.0.1/cb", true},
		{"http://127.0.0.1:49152/cb", "http://127.0.0.1:49152/cb", true},
		{"http://127.0.0.1:1/cb", "http://127.0.0.1:1/cb", true},
		{"http://[::1]/cb?x=1", "http://[::1]/cb?x=1", true},
		{"http://[::1]:9/cb?x=1", "http://[::1]:9/cb?x=1", true},
		{"http://[::1]:9/cb?x=2", "", false},
		{"http://[::1]:9/cb", "", false},
		{"http://127.0.0.1:49152/cb/", "", false},
		{"http://127.0.0.1:49152/CB", "", false},
		{"http://127.0.0.1:49152/cb#f", "", false},
		{"http://127.0.0.1:/cb", "", false},
		{"http://127.0.0.1:99999999/cb", "", false},
		{"http://127.0.0.1:49152@evil.example/cb", "", false},
		{"http://127.0.0.2:49152/cb", "", false},
		{"http://localhost/cb", "http://localhost/cb", true},
		{"http://localhost:49152/cb", "", false},
		{"https://127.0.0.1:49152/cb", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := resolveRedirectURI(c, tt.sent)
		if got != tt.want || ok != tt.ok {
			t.Errorf("resolveRedirectURI(%q) = %q, %v; want %q, %v", tt.sent, got, ok, tt.want, tt.ok)
		}
	}
	one := &store.Client{RedirectURIs: []string{webCB}}
	if got, ok := resolveRedirectURI(one, ""); !ok || got != webCB {
		t.Errorf("omitted redirect_uri with one registered = %q, %v", got, ok)
	}
}

// TestAuthorizeNotLoggedIn: the browser goes to the login page with a next
// back to the request, and after login lands on the consent page.
func TestAuthorizeNotLoggedIn(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	req := authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", "s1", "scope", "read")
	r := b.get(req)
	loc := r.location(t)
	if r.StatusCode != 302 || loc.Path != "/o/login/" {
		t.Fatalf("not logged in: %d to %s", r.StatusCode, loc)
	}
	next := loc.Query().Get("next")
	if next != req {
		t.Errorf("next = %q, want %q", next, req)
	}
	r = b.login(next, "alice", bhPassword)
	if r.StatusCode != 303 || r.Header.Get("Location") != testOrigin+req {
		t.Fatalf("after login: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	page := b.get(r.Header.Get("Location"))
	if page.StatusCode != 200 || !strings.Contains(page.body, `name="allow"`) {
		t.Fatalf("after login: %d, no consent form\n%s", page.StatusCode, page.body)
	}
}

// TestConsentPage: the AllowForm's hidden fields and allow button, the
// client's name and the scopes, framing and caching headers, everything
// escaped.
func TestConsentPage(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	state := `"><script>alert(1)</script>`
	r := b.get(authorizeURL("client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", state,
		"scope", "openid read", "nonce", "n-0S6", "code_challenge", challengeOf(bhVerifier), "code_challenge_method", "S256"))
	if r.StatusCode != 200 {
		t.Fatalf("status %d\n%s", r.StatusCode, r.body)
	}
	wantPageHeaders(t, r)
	f := formFields(r.body)
	want := map[string]string{
		"client_id": "web", "redirect_uri": webCB, "response_type": "code", "state": state, "scope": "openid read",
		"nonce": "n-0S6", "code_challenge": challengeOf(bhVerifier), "code_challenge_method": "S256",
	}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("hidden %s = %q, want %q", k, f.Get(k), v)
		}
	}
	if f.Get(csrfField) == "" || f.Get(csrfField) != b.cookie(csrfCookie) {
		t.Errorf("CSRF field %q, cookie %q", f.Get(csrfField), b.cookie(csrfCookie))
	}
	for _, s := range []string{
		`<button type="submit" name="allow" value="Authorize" class="primary">Allow</button>`,
		`<strong>Web &lt;App&gt; &amp; Co</strong>`, `<span class="scope">openid</span>`, `<span class="scope">read</span>`,
		`app.example`, `action="/o/authorize/"`, `method="post"`,
	} {
		if !strings.Contains(r.body, s) {
			t.Errorf("consent page lacks %q", s)
		}
	}
	if regexp.MustCompile(`(?i)<script|\son[a-z]+=|style=`).MatchString(r.body) {
		t.Errorf("consent page carries script or unescaped input:\n%s", r.body)
	}
}

// getConsent logs b in (if needed) and returns the consent form of an
// authorization request.
func getConsent(t *testing.T, b *tbrowser, pairs ...string) url.Values {
	t.Helper()
	r := b.get(authorizeURL(pairs...))
	if r.StatusCode != 200 || !strings.Contains(r.body, `name="allow"`) {
		t.Fatalf("no consent page: %d\n%s", r.StatusCode, r.body)
	}
	return formFields(r.body)
}

// TestConsentAllow: allow answers 303 with a code, the state and iss; the
// code is stored bound to client, user, redirect_uri, PKCE, scope, nonce
// and auth_time, for at most a minute; the consent is stored.
func TestConsentAllow(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	authTime := h.clock.Now()
	h.clock.Advance(5 * time.Second)
	state := "xyz &=/é+"
	f := getConsent(t, b, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", state,
		"scope", "openid read", "nonce", "n-0S6", "code_challenge", challengeOf(bhVerifier), "code_challenge_method", "S256")
	f.Set("allow", "Authorize")
	r := b.post("/o/authorize/", f)
	if r.StatusCode != 303 {
		t.Fatalf("allow: status %d\n%s", r.StatusCode, r.body)
	}
	got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": state})
	code := got.Get("code")
	if len(code) < 43 {
		t.Fatalf("code %q: want ≥ 256 bits", code)
	}
	rec, err := h.db.Code(code)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ClientID != "web" || rec.UserID != h.alice.ID || rec.RedirectURI != webCB || rec.Scope != "openid read" ||
		rec.Nonce != "n-0S6" || rec.CodeChallenge != challengeOf(bhVerifier) || rec.CodeChallengeMethod != "S256" || !rec.AuthTime.Equal(authTime) {
		t.Errorf("stored code = %+v", rec)
	}
	if ttl := rec.Expires.Sub(h.clock.Now()); ttl <= 0 || ttl > 60*time.Second {
		t.Errorf("code lives %v, want ≤ 60s", ttl)
	}
	c, err := h.db.Consent(h.alice.ID, "web")
	if err != nil || strings.Join(c.Scopes, " ") != "openid read" {
		t.Errorf("stored consent %+v, %v", c, err)
	}
}

// TestConsentDeny: submitting without allow gives access_denied with state.
func TestConsentDeny(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	f := getConsent(t, b, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", "s-deny")
	r := b.post("/o/authorize/", f)
	if r.StatusCode != 303 {
		t.Fatalf("deny: status %d", r.StatusCode)
	}
	got := wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "access_denied", "state": "s-deny"})
	if got.Get("code") != "" {
		t.Error("a denied request got a code")
	}
	if _, err := h.db.Consent(h.alice.ID, "web"); err == nil {
		t.Error("a denial stored a consent")
	}
}

// TestConsentCSRF: the consent POST needs its CSRF token and the session;
// a forged one is a 403 page, not a redirect.
func TestConsentCSRF(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	f := getConsent(t, b, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", "s")
	f.Set("allow", "Authorize")
	forged := url.Values{}
	for k, v := range f {
		forged[k] = v
	}
	forged.Set(csrfField, strings.Repeat("x", 43))
	if r := b.post("/o/authorize/", forged); r.StatusCode != 403 || r.Header.Get("Location") != "" {
		t.Fatalf("forged token: %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	b.header.Set("Origin", "https://evil.example")
	if r := b.post("/o/authorize/", f); r.StatusCode != 403 {
		t.Fatalf("cross-origin consent POST: %d", r.StatusCode)
	}
	b.header.Del("Origin")
	// A browser without a session (holding a copy of the form and its own
	// CSRF cookie) is sent to log in, never given a code.
	anon := h.browser()
	g := url.Values{}
	for k, v := range f {
		g[k] = v
	}
	g.Set(csrfField, formFields(anon.get("/o/login/").body).Get(csrfField))
	r := anon.post("/o/authorize/", g)
	loc := r.location(t)
	if r.StatusCode != 303 || loc.Path != "/o/login/" || loc.Query().Get("code") != "" {
		t.Fatalf("consent POST without a session: %d to %s", r.StatusCode, loc)
	}
	if next, _ := url.Parse(loc.Query().Get("next")); next.Path != "/o/authorize/" || next.Query().Get("client_id") != "web" ||
		next.Query().Has(csrfField) || next.Query().Has("allow") {
		t.Errorf("next = %s", next)
	}
	// The genuine POST still works.
	r = b.post("/o/authorize/", f)
	if r.StatusCode != 303 || r.location(t).Query().Get("code") == "" {
		t.Fatalf("the genuine POST afterwards: %d to %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestAuthorizeSkipAuthorization: a skip_authorization client gets its
// code without the consent page.
func TestAuthorizeSkipAuthorization(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	r := b.get(authorizeURL("client_id", "skip", "response_type", "code", "state", "s"))
	got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": "s"})
	if r.StatusCode != 302 || got.Get("code") == "" {
		t.Fatalf("skip_authorization: %d, %v", r.StatusCode, got)
	}
	// prompt=consent shows the page anyway.
	getConsent(t, b, "client_id", "skip", "response_type", "code", "prompt", "consent")
}

// TestApprovalPromptAuto: approval_prompt=auto skips the page only when an
// earlier consent covers every requested scope; the default is force.
func TestApprovalPromptAuto(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	f := getConsent(t, b, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "scope", "openid read")
	f.Set("allow", "1")
	if r := b.post("/o/authorize/", f); r.StatusCode != 303 {
		t.Fatalf("allow: %d", r.StatusCode)
	}
	tests := []struct {
		name     string
		pairs    []string
		wantPage bool
	}{
		{"auto, covered", []string{"approval_prompt", "auto", "scope", "read"}, false},
		{"auto, all covered", []string{"approval_prompt", "auto", "scope", "read openid"}, false},
		{"auto, one scope more", []string{"approval_prompt", "auto", "scope", "read write"}, true},
		{"force", []string{"approval_prompt", "force", "scope", "read"}, true},
		{"default is force", []string{"scope", "read"}, true},
		{"auto but prompt=consent", []string{"approval_prompt", "auto", "scope", "read", "prompt", "consent"}, true},
		{"prompt=none uses the stored consent", []string{"prompt", "none", "scope", "read"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(authorizeURL(append([]string{"client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", "s"}, tt.pairs...)...))
			if tt.wantPage {
				if r.StatusCode != 200 || !strings.Contains(r.body, `name="allow"`) {
					t.Fatalf("want the consent page, got %d", r.StatusCode)
				}
				return
			}
			if got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": "s"}); got.Get("code") == "" {
				t.Fatalf("want a code, got %v", got)
			}
		})
	}
	// Another user's consent does not count.
	bob := &store.User{Username: "bob", PasswordHash: bhPasswordHash()}
	if err := h.db.CreateUser(bob); err != nil {
		t.Fatal(err)
	}
	b2 := h.browser()
	if r := b2.login("", "bob", bhPassword); r.StatusCode != 303 {
		t.Fatal("bob's login failed")
	}
	getConsent(t, b2, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "scope", "read", "approval_prompt", "auto")
}

// TestAuthorizePrompt: prompt=none never shows a page (login_required,
// consent_required); prompt=login re-authenticates once; max_age demands a
// recent login.
func TestAuthorizePrompt(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	base := []string{"client_id", "web", "response_type", "code", "redirect_uri", webCB, "state", "st"}
	t.Run("none without session", func(t *testing.T) {
		r := h.browser().get(authorizeURL(append(base, "prompt", "none")...))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "login_required", "state": "st"})
	})
	b := h.browser()
	b.mustLogin()
	t.Run("none without consent", func(t *testing.T) {
		r := b.get(authorizeURL(append(base, "prompt", "none")...))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "consent_required", "state": "st"})
	})
	t.Run("none with skip_authorization", func(t *testing.T) {
		r := b.get(authorizeURL("client_id", "skip", "response_type", "code", "prompt", "none"))
		if got := wantAuthzResponse(t, r, webCB, false, nil); got.Get("code") == "" {
			t.Fatalf("no code: %v", got)
		}
	})
	t.Run("none with another value", func(t *testing.T) {
		r := b.get(authorizeURL(append(base, "prompt", "none login")...))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "invalid_request", "state": "st"})
	})
	t.Run("login", func(t *testing.T) {
		req := authorizeURL(append(base, "prompt", "login consent", "scope", "read")...)
		r := b.get(req)
		loc := r.location(t)
		if loc.Path != "/o/login/" {
			t.Fatalf("prompt=login with a session: to %s", loc)
		}
		next := loc.Query().Get("next")
		nu, _ := url.Parse(next)
		if nu.Query().Get("prompt") != "consent" || nu.Query().Get("state") != "st" {
			t.Errorf("next %q should keep everything but prompt=login", next)
		}
		h.clock.Advance(time.Minute)
		r = b.login(next, "alice", bhPassword)
		page := b.get(r.Header.Get("Location"))
		if !strings.Contains(page.body, `name="allow"`) {
			t.Fatalf("after re-login: %d, not the consent page", page.StatusCode)
		}
		sess, _ := h.db.Session(b.cookie(sessionCookie))
		if !sess.AuthTime.Equal(h.clock.Now()) {
			t.Errorf("auth_time %v not renewed", sess.AuthTime)
		}
	})
	t.Run("max_age", func(t *testing.T) {
		h.clock.Advance(10 * time.Minute)
		r := b.get(authorizeURL(append(base, "max_age", "300")...))
		if loc := r.location(t); loc.Path != "/o/login/" {
			t.Fatalf("max_age exceeded: to %s", loc)
		}
		r = b.get(authorizeURL(append(base, "max_age", "300", "prompt", "none")...))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "login_required"})
		r = b.get(authorizeURL(append(base, "max_age", "3600")...))
		if r.StatusCode != 200 || !strings.Contains(r.body, `name="allow"`) {
			t.Fatalf("max_age met: %d", r.StatusCode)
		}
		r = b.get(authorizeURL(append(base, "max_age", "-1")...))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "invalid_request"})
	})
}

// TestAuthorizeResponseTypes: code for everyone allowed the grant; the
// others only for clients that enable them, in the fragment.
func TestAuthorizeResponseTypes(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	tests := []struct {
		name, client, rt string
		extra            []string
		fragment         bool
		wantErr          string
	}{
		{"missing", "web", "", nil, false, "invalid_request"},
		{"unknown", "web", "nope", nil, false, "unsupported_response_type"},
		{"token off by default", "web", "token", nil, true, "unsupported_response_type"},
		{"id_token off by default", "web", "id_token", []string{"scope", "openid", "nonce", "n"}, true, "unsupported_response_type"},
		{"code id_token off by default", "web", "code id_token", []string{"scope", "openid", "nonce", "n"}, true, "unsupported_response_type"},
		{"code token never", "hybrid", "code token", nil, false, "unsupported_response_type"},
		{"code without the grant", "svc", "code", nil, false, "unauthorized_client"},
		{"id_token needs nonce", "hybrid", "id_token", []string{"scope", "openid"}, true, "invalid_request"},
		{"id_token needs openid", "hybrid", "id_token", []string{"scope", "read", "nonce", "n"}, true, "invalid_request"},
		{"query mode with tokens", "hybrid", "token", []string{"response_mode", "query"}, true, "invalid_request"},
		{"unknown response_mode", "web", "code", []string{"response_mode", "web_message"}, false, "invalid_request"},
		{"request object", "web", "code", []string{"request", "eyJ.x.y"}, false, "request_not_supported"},
		{"request_uri", "web", "code", []string{"request_uri", "https://x.example/r"}, false, "request_uri_not_supported"},
		{"repeated scope", "web", "code", []string{"scope", "read", "scope", "read"}, false, "invalid_request"},
		{"scope not allowed", "web", "code", []string{"scope", "admin"}, false, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pairs := append([]string{"client_id", tt.client, "redirect_uri", webCB, "state", "st"}, tt.extra...)
			if tt.rt != "" {
				pairs = append(pairs, "response_type", tt.rt)
			}
			r := b.get(authorizeURL(pairs...))
			wantAuthzResponse(t, r, webCB, tt.fragment, map[string]string{"error": tt.wantErr, "state": "st"})
		})
	}
}

// TestAuthorizeHybridAndImplicit: enabled per client, code id_token and
// id_token return a signed ID token with nonce (and c_hash), token an
// access token, all in the fragment.
func TestAuthorizeHybridAndImplicit(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	consentAndAllow := func(pairs ...string) url.Values {
		f := getConsent(t, b, pairs...)
		f.Set("allow", "1")
		r := b.post("/o/authorize/", f)
		return wantAuthzResponse(t, r, webCB, true, map[string]string{"state": "st"})
	}
	got := consentAndAllow("client_id", "hybrid", "response_type", "id_token code", "scope", "openid", "nonce", "n-1", "state", "st")
	if got.Get("code") == "" || got.Get("id_token") == "" {
		t.Fatalf("code id_token: %v", got)
	}
	idt := jwtClaims(t, got.Get("id_token"))
	if idt["nonce"] != "n-1" || idt["aud"] != "hybrid" || idt["iss"] != testIssuer || idt["sub"] != h.alice.ID ||
		idt["c_hash"] != halfSHA256(got.Get("code")) || idt["auth_time"] == nil {
		t.Errorf("ID token claims %v", idt)
	}
	if rec, _ := h.db.Code(got.Get("code")); rec == nil || rec.Nonce != "n-1" {
		t.Errorf("hybrid code record %+v", rec)
	}

	got = consentAndAllow("client_id", "hybrid", "response_type", "id_token", "scope", "openid", "nonce", "n-2", "state", "st")
	if got.Get("code") != "" || got.Get("access_token") != "" || jwtClaims(t, got.Get("id_token"))["nonce"] != "n-2" {
		t.Errorf("id_token: %v", got)
	}

	got = consentAndAllow("client_id", "hybrid", "response_type", "token", "scope", "openid read", "state", "st")
	if got.Get("token_type") != "Bearer" || got.Get("scope") != "openid read" || got.Get("expires_in") == "" {
		t.Errorf("token: %v", got)
	}
	if _, e := h.srv.verifyAccessToken([]byte(got.Get("access_token"))); e != nil {
		t.Errorf("implicit access token does not verify: %v", e)
	}
}

// TestAuthorizePKCE: S256 required for public clients, optional for
// confidential ones, plain only where allowed.
func TestAuthorizePKCE(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	ch := challengeOf(bhVerifier)
	tests := []struct {
		name    string
		client  string
		pkce    []string
		wantErr string // "" means the consent page
	}{
		{"public S256", "spa", []string{"code_challenge", ch, "code_challenge_method", "S256"}, ""},
		{"public without PKCE", "spa", nil, "invalid_request"},
		{"public plain", "spa", []string{"code_challenge", bhVerifier, "code_challenge_method", "plain"}, "invalid_request"},
		{"public method defaults to plain", "spa", []string{"code_challenge", bhVerifier}, "invalid_request"},
		{"plain where allowed", "plain", []string{"code_challenge", bhVerifier, "code_challenge_method", "plain"}, ""},
		{"confidential without PKCE", "web", nil, ""},
		{"confidential S256", "web", []string{"code_challenge", ch, "code_challenge_method", "S256"}, ""},
		{"method without challenge", "web", []string{"code_challenge_method", "S256"}, "invalid_request"},
		{"unknown method", "web", []string{"code_challenge", ch, "code_challenge_method", "S512"}, "invalid_request"},
		{"short S256 challenge", "web", []string{"code_challenge", ch[:42], "code_challenge_method", "S256"}, "invalid_request"},
		{"bad characters", "plain", []string{"code_challenge", strings.Repeat("a", 42) + "+", "code_challenge_method", "plain"}, "invalid_request"},
		{"too long", "plain", []string{"code_challenge", strings.Repeat("a", 129), "code_challenge_method", "plain"}, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			redirect := webCB
			if tt.client == "spa" || tt.client == "plain" {
				redirect = spaCB
			}
			r := b.get(authorizeURL(append([]string{"client_id", tt.client, "response_type", "code", "redirect_uri", redirect, "state", "st"}, tt.pkce...)...))
			if tt.wantErr == "" {
				if r.StatusCode != 200 || !strings.Contains(r.body, `name="allow"`) {
					t.Fatalf("want the consent page, got %d %s", r.StatusCode, r.Header.Get("Location"))
				}
				return
			}
			wantAuthzResponse(t, r, redirect, false, map[string]string{"error": tt.wantErr, "state": "st"})
		})
	}
}

// TestAuthorizeRedirectShapes: a loopback port may vary, a registered query
// is kept, an omitted redirect_uri uses the single registered one and is
// stored as omitted; a POSTed request works like a GET.
func TestAuthorizeRedirectShapes(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	allow := func(f url.Values) *tresp {
		f.Set("allow", "1")
		return b.post("/o/authorize/", f)
	}
	port := "http://127.0.0.1:51234/callback"
	f := getConsent(t, b, "client_id", "spa", "response_type", "code", "redirect_uri", port, "code_challenge", challengeOf(bhVerifier), "code_challenge_method", "S256")
	got := wantAuthzResponse(t, allow(f), port, false, nil)
	if rec, _ := h.db.Code(got.Get("code")); rec == nil || rec.RedirectURI != port {
		t.Errorf("loopback code record %+v", rec)
	}

	f = getConsent(t, b, "client_id", "one", "response_type", "code", "state", "s")
	r := allow(f)
	loc := r.location(t)
	if loc.Host != "one.example" || loc.Query().Get("tenant") != "7" || loc.Query().Get("code") == "" || loc.Query().Get("state") != "s" {
		t.Errorf("registered query lost: %s", loc)
	}
	if rec, _ := h.db.Code(loc.Query().Get("code")); rec == nil || rec.RedirectURI != "" {
		t.Errorf("omitted redirect_uri stored as %+v", rec)
	}

	// POST authorization request (OIDC Core §3.1.2.1).
	r = b.post("/o/authorize/", url.Values{"client_id": {"skip"}, "response_type": {"code"}, "state": {"p"}})
	if r.StatusCode != 303 {
		t.Fatalf("POST authorization request: %d", r.StatusCode)
	}
	wantAuthzResponse(t, r, webCB, false, map[string]string{"state": "p"})
}

// TestAuthorizeIssAndStateEverywhere: every response carries iss, and the
// state exactly as sent, also on errors.
func TestAuthorizeIssAndStateEverywhere(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	state := `a b+c&d=e/é%~"<>`
	for _, rt := range []string{"code", "bogus"} {
		r := b.get(authorizeURL("client_id", "skip", "response_type", rt, "state", state))
		got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": state})
		if (rt == "code") != (got.Get("code") != "") {
			t.Errorf("response_type %s: %v", rt, got)
		}
	}
	r := b.get(authorizeURL("client_id", "skip", "response_type", "code"))
	if got := wantAuthzResponse(t, r, webCB, false, nil); got.Has("state") {
		t.Errorf("state invented: %v", got)
	}
}

// halfSHA256 is the at_hash / c_hash of v for a *256 algorithm.
func halfSHA256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// TestAuthorizeFormPost: with response_mode=form_post the response is a
// page whose form carries the parameters (code or error, state, iss) to
// the redirect URI, submitted by its one script, which the page's CSP
// allows by hash and nothing else; the issuer's CSRF token never leaves.
// A redirect URI a browser cannot POST to gets the error the usual way.
func TestAuthorizeFormPost(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	h.addClient(store.Client{ID: "native", Type: store.Public, RedirectURIs: []string{"com.example.app:/cb"}})
	b := h.browser()
	b.mustLogin()
	formOf := func(r *tresp) (action string, fields url.Values) {
		t.Helper()
		if r.StatusCode != 200 || r.Header.Get("Location") != "" {
			t.Fatalf("form_post answer %d, Location %q", r.StatusCode, r.Header.Get("Location"))
		}
		m := regexp.MustCompile(`<form method="post" action="([^"]*)" id="response">`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no response form:\n%s", r.body)
		}
		fields = url.Values{}
		for _, f := range regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`).FindAllStringSubmatch(r.body, -1) {
			fields.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
		}
		return html.UnescapeString(m[1]), fields
	}

	r := b.get(authorizeURL("client_id", "skip", "response_type", "code", "state", `s&"<x>`, "response_mode", "form_post"))
	action, f := formOf(r)
	if action != webCB || f.Get("code") == "" || f.Get("state") != `s&"<x>` || f.Get("iss") != testIssuer || f.Has(csrfField) || len(f) != 3 {
		t.Errorf("form to %q with %v", action, f)
	}
	script := regexp.MustCompile(`<script>([^<]*)</script>`).FindAllStringSubmatch(r.body, -1)
	if len(script) != 1 {
		t.Fatalf("want exactly one script, got %v", script)
	}
	sum := sha256.Sum256([]byte(script[0][1]))
	csp := r.Header.Get("Content-Security-Policy")
	if want := "script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) ||
		!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q lacks %q", csp, want)
	}
	if rec, _ := h.db.Code(f.Get("code")); rec == nil || rec.ClientID != "skip" {
		t.Errorf("posted code is not a stored code of skip: %+v", rec)
	}

	// Consent, then the answer as a form; errors too.
	cf := getConsent(t, b, "client_id", "web", "redirect_uri", webCB, "response_type", "code", "state", "st", "response_mode", "form_post")
	cf.Set("allow", "1")
	if action, f := formOf(b.post("/o/authorize/", cf)); action != webCB || f.Get("code") == "" || f.Get("state") != "st" {
		t.Errorf("after consent: form to %q with %v", action, f)
	}
	if action, f := formOf(b.get(authorizeURL("client_id", "web", "redirect_uri", webCB, "response_type", "code", "scope", "admin", "response_mode", "form_post"))); action != webCB ||
		f.Get("error") != "invalid_scope" || f.Has("code") {
		t.Errorf("error: form to %q with %v", action, f)
	}

	r = b.get(authorizeURL("client_id", "native", "response_type", "code", "code_challenge", strings.Repeat("a", 43),
		"code_challenge_method", "S256", "state", "st", "response_mode", "form_post"))
	wantAuthzResponse(t, r, "com.example.app:/cb", false, map[string]string{"error": "invalid_request", "state": "st"})
}

// TestAuthorizeIDTokenHint: a session of the user id_token_hint names
// counts; another user's session does not (prompt=none: login_required;
// otherwise the login page, whose resume URL drops the hint); a hint that
// is not our ID token is invalid_request.
func TestAuthorizeIDTokenHint(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	alice := h.browser()
	alice.mustLogin()
	hint := idTokenFor(t, alice)
	req := func(extra ...string) string {
		return authorizeURL(append([]string{"client_id", "skip", "response_type", "code", "state", "st", "id_token_hint", hint}, extra...)...)
	}
	if r := alice.get(req("prompt", "none")); r.StatusCode != 302 {
		t.Fatalf("alice with her own hint: %d", r.StatusCode)
	} else if got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": "st"}); got.Get("code") == "" {
		t.Errorf("alice with her own hint: %v", got)
	}

	if err := h.db.CreateUser(&store.User{Username: "bob", PasswordHash: bhPasswordHash()}); err != nil {
		t.Fatal(err)
	}
	bob := h.browser()
	if r := bob.login("", "bob", bhPassword); r.StatusCode != 303 {
		t.Fatalf("bob's login: %d", r.StatusCode)
	}
	wantAuthzResponse(t, bob.get(req("prompt", "none")), webCB, false, map[string]string{"error": "login_required", "state": "st"})
	r := bob.get(req())
	loc := r.location(t)
	if r.StatusCode != 302 || loc.Path != "/o/login/" {
		t.Fatalf("bob with alice's hint: %d to %v, want the login page", r.StatusCode, loc)
	}
	if next := loc.Query().Get("next"); strings.Contains(next, "id_token_hint") || !strings.Contains(next, "client_id=skip") {
		t.Errorf("login resumes at %q", next)
	}

	forged := hint[:strings.LastIndexByte(hint, '.')+1] + "AAAA"
	for _, bad := range []string{forged, "e30.e30.e30", "x"} {
		r := alice.get(authorizeURL("client_id", "skip", "response_type", "code", "state", "st", "id_token_hint", bad))
		wantAuthzResponse(t, r, webCB, false, map[string]string{"error": "invalid_request", "state": "st"})
	}
}
