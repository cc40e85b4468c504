package issuer

import (
	"net/url"
	"strings"
	"testing"
)

// idTokenFor gets an ID token for alice and client "hybrid" through the
// id_token response type.
func idTokenFor(t *testing.T, b *tbrowser) string {
	t.Helper()
	f := getConsent(t, b, "client_id", "hybrid", "response_type", "id_token", "scope", "openid", "nonce", "n")
	f.Set("allow", "1")
	r := b.post("/o/authorize/", f)
	tok := fragmentParams(t, r.location(t)).Get("id_token")
	if tok == "" {
		t.Fatalf("no ID token: %s", r.Header.Get("Location"))
	}
	return tok
}

// TestRPInitiatedLogout: end_session_endpoint asks the user, then signs out
// and returns to a registered post_logout_redirect_uri with state.
func TestRPInitiatedLogout(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	hint := idTokenFor(t, b)
	sid := b.cookie(sessionCookie)
	const bye = "https://app.example/bye"

	q := url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {bye}, "state": {"st 1"}}
	page := b.get("/o/logout/?" + q.Encode())
	if page.StatusCode != 200 || !strings.Contains(page.body, "You are signed in as alice") {
		t.Fatalf("confirmation page: %d\n%s", page.StatusCode, page.body)
	}
	wantPageHeaders(t, page)
	if _, err := h.db.Session(sid); err != nil {
		t.Fatal("a GET signed the user out")
	}
	f := formFields(page.body)
	if f.Get("client_id") != "hybrid" || f.Get("post_logout_redirect_uri") != bye || f.Get("state") != "st 1" || f.Get(csrfField) == "" {
		t.Errorf("confirmation form fields %v", f)
	}
	r := b.post("/o/logout/", f)
	if r.StatusCode != 303 || r.Header.Get("Location") != bye+"?state=st+1" {
		t.Fatalf("logout: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if _, err := h.db.Session(sid); err == nil {
		t.Error("session survived the logout")
	}
	// Signed out already: straight back.
	r = b.get("/o/logout/?" + q.Encode())
	if r.StatusCode != 302 || r.Header.Get("Location") != bye+"?state=st+1" {
		t.Errorf("logout without a session: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestRPInitiatedLogoutRejects: an unregistered URI, a forged hint or a
// mismatched client_id gets a 400 page and no redirect.
func TestRPInitiatedLogoutRejects(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	hint := idTokenFor(t, b)
	parts := strings.Split(hint, ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	tests := []struct {
		name string
		q    url.Values
	}{
		{"unregistered URI", url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"https://evil.example/"}}},
		{"a redirect_uri is not a post-logout URI", url.Values{"client_id": {"hybrid"}, "post_logout_redirect_uri": {webCB}}},
		{"URI without client", url.Values{"post_logout_redirect_uri": {"https://app.example/bye"}}},
		{"forged hint", url.Values{"id_token_hint": {forged}, "post_logout_redirect_uri": {"https://app.example/bye"}}},
		{"access token as hint", url.Values{"id_token_hint": {"e30.e30.e30"}}},
		{"client_id not the hint's", url.Values{"id_token_hint": {hint}, "client_id": {"web"}}},
		{"unknown client", url.Values{"client_id": {"nobody"}, "post_logout_redirect_uri": {"https://app.example/bye"}}},
		{"repeated state", url.Values{"state": {"a", "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get("/o/logout/?" + tt.q.Encode())
			if r.StatusCode != 400 || r.Header.Get("Location") != "" {
				t.Fatalf("status %d Location %q", r.StatusCode, r.Header.Get("Location"))
			}
		})
	}
	// With client_id alone (no hint) a registered URI works.
	page := b.get("/o/logout/?" + url.Values{"client_id": {"hybrid"}, "post_logout_redirect_uri": {"https://app.example/bye"}}.Encode())
	if page.StatusCode != 200 {
		t.Fatalf("client_id without hint: %d", page.StatusCode)
	}
	// The POST re-checks the URI: a tampered hidden field is refused.
	f := formFields(page.body)
	f.Set("post_logout_redirect_uri", "https://evil.example/")
	if r := b.post("/o/logout/", f); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Errorf("tampered POST: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
}
