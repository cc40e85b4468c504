package issuer

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestIntrospectActive: an active access token answers every RFC 7662
// member, uncacheable.
func TestIntrospectActive(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{client: "aud", scope: "openid read"})
	r := h.post(t, "/introspect/", "rs", url.Values{"token": {tk.Access}})
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	m := r.json(t)
	c := claimsOf(t, tk.Access)
	want := map[string]any{"active": true, "scope": "openid read", "client_id": "aud", "username": "alice",
		"token_type": "Bearer", "sub": h.alice.ID, "iss": h.issuer, "jti": c["jti"],
		"exp": c["exp"], "iat": c["iat"], "nbf": c["nbf"]}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if aud, _ := m["aud"].([]any); len(aud) != 2 || aud[0] != "api-a" || aud[1] != "api-b" {
		t.Errorf("aud = %v, want [api-a api-b]", m["aud"])
	}
	if len(m) != len(want)+1 {
		t.Errorf("members = %v", m)
	}
	// A client's own token has no username.
	cc := h.post(t, "/token/", "rs", url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}})
	m = h.introspect(t, mustTokens(t, cc).Access, "access_token")
	if m["active"] != true || m["sub"] != "rs" || m["username"] != nil {
		t.Errorf("client_credentials token: %v", m)
	}
}

// TestIntrospectInactive: revoked, expired, unknown, malformed, forged
// tokens and ID tokens are exactly {"active":false}.
func TestIntrospectInactive(t *testing.T) {
	h := newFlowHarness(t, Config{})
	revoked := h.redeem(t, codeOpts{})
	wantRevoke200(t, h.post(t, "/revoke_token/", "web", url.Values{"token": {revoked.Access}}))
	expired := h.redeem(t, codeOpts{})
	forged := []byte(expired.Access)
	forged[len(forged)-5] ^= 2
	deleted := h.redeem(t, codeOpts{user: h.bob})

	tests := []struct {
		name, token, hint string
	}{
		{"revoked", revoked.Access, ""},
		{"unknown opaque", "nope", ""},
		{"unknown with hint", "nope", "refresh_token"},
		{"malformed JWS", "a.b.c", "access_token"},
		{"forged signature", string(forged), ""},
		{"ID token", expired.IDToken, ""},
		{"rotated refresh token", "", "refresh_token"},
		{"user deleted", deleted.Access, ""},
		{"expired", expired.Access, ""},
	}
	rotated := h.redeem(t, codeOpts{})
	mustTokens(t, h.refresh(t, "web", rotated.Refresh, ""))
	tests[6].token = rotated.Refresh
	if err := h.db.DeleteUser(h.bob.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "expired" {
				h.clock.Advance(time.Hour)
			}
			f := url.Values{"token": {tt.token}}
			if tt.hint != "" {
				f.Set("token_type_hint", tt.hint)
			}
			for _, caller := range []string{"rs", "web"} {
				r := h.post(t, "/introspect/", caller, f)
				if r.status != 200 || string(r.body) != `{"active":false}` {
					t.Errorf("as %s: %d %s, want exactly {\"active\":false}", caller, r.status, r.body)
				}
			}
		})
	}
}

// TestIntrospectRefreshToken: a refresh token is active, with its family's
// grant, only to the client it was issued to.
func TestIntrospectRefreshToken(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{scope: "openid read"})
	for _, hint := range []string{"refresh_token", "access_token", ""} {
		r := h.post(t, "/introspect/", "web", url.Values{"token": {tk.Refresh}, "token_type_hint": {hint}})
		m := r.json(t)
		if m["active"] != true || m["token_type"] != "refresh_token" || m["client_id"] != "web" ||
			m["username"] != "alice" || m["sub"] != h.alice.ID || m["scope"] != "openid read" || m["exp"] == nil {
			t.Errorf("hint %q: %v", hint, m)
		}
	}
	if m := h.introspect(t, tk.Refresh, "refresh_token"); m["active"] != false {
		t.Errorf("another client sees the refresh token: %v", m)
	}
}

// TestIntrospectCaller: the caller authenticates as a confidential client
// or with a bearer token that has the introspection scope.
func TestIntrospectCaller(t *testing.T) {
	h := newFlowHarness(t, Config{})
	subject := h.redeem(t, codeOpts{})
	withScope := mustTokens(t, h.post(t, "/token/", "rs", url.Values{"grant_type": {"client_credentials"}, "scope": {"introspection"}}))
	without := mustTokens(t, h.post(t, "/token/", "rs", url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}))
	form := url.Values{"token": {subject.Access}}

	r := h.post(t, "/introspect/", "", form, "Authorization", "Bearer "+withScope.Access)
	if m := r.json(t); r.status != 200 || m["active"] != true {
		t.Errorf("bearer with introspection scope: %d %s", r.status, r.body)
	}
	r = h.post(t, "/introspect/", "", form, "Authorization", "Bearer "+without.Access)
	if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
		t.Errorf("bearer without the scope: %d %s %q", r.status, r.body, r.header.Get("WWW-Authenticate"))
	}
	r = h.post(t, "/introspect/", "", form, "Authorization", "Bearer "+subject.IDToken)
	if r.status != 401 || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Bearer `) ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("bearer ID token: %d %s %q", r.status, r.body, r.header.Get("WWW-Authenticate"))
	}
	wantGrantError(t, h.post(t, "/introspect/", "", form), CodeInvalidClient)
	wantGrantError(t, h.post(t, "/introspect/", "spa", form), CodeInvalidClient) // public: not authenticated
	wantGrantError(t, h.post(t, "/introspect/", "rs", url.Values{}), CodeInvalidRequest)
	r = h.post(t, "/introspect/", "", form, "Authorization", "Bearer a b")
	wantGrantError(t, r, CodeInvalidRequest)
}
