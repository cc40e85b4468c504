package issuer

import (
	"strings"
	"testing"
	"time"
)

// TestCodeExchange: a code becomes an RFC 9068 access token for the user,
// a refresh token and an ID token, with token_type, expires_in and scope.
func TestCodeExchange(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{scope: "openid read", nonce: "n-0S6"})
	if tk.Refresh == "" || tk.IDToken == "" || tk.Scope != "openid read" || tk.ExpiresIn != 3600 {
		t.Fatalf("response = %+v", tk)
	}
	if len(tk.Refresh) < 43 {
		t.Errorf("refresh token %q carries less than 256 bits", tk.Refresh)
	}
	c := claimsOf(t, tk.Access)
	for k, want := range map[string]any{"sub": h.alice.ID, "client_id": "web", "scope": "openid read", "iss": h.issuer} {
		if c[k] != want {
			t.Errorf("access token %s = %v, want %v", k, c[k], want)
		}
	}
	for _, k := range []string{"exp", "iat", "nbf", "jti", "aud"} {
		if c[k] == nil {
			t.Errorf("access token lacks %s", k)
		}
	}
	if len(c) != 9 {
		t.Errorf("access token claims = %v; want exactly iss sub aud exp iat nbf jti client_id scope", c)
	}
	if hdr := headerOf(t, tk.Access); hdr["typ"] != "at+jwt" || hdr["alg"] != "ES256" {
		t.Errorf("access token header = %v", hdr)
	}
	if hdr := headerOf(t, tk.IDToken); hdr["typ"] != "JWT" || hdr["alg"] != "RS256" {
		t.Errorf("ID token header = %v, want RS256 JWT", hdr)
	}
	if got := h.introspect(t, tk.Access, ""); got["active"] != true || got["username"] != "alice" {
		t.Errorf("introspection = %v", got)
	}
}

// TestCodeSingleUse: a second exchange of a code is invalid_grant and
// revokes every token the first one issued (RFC 6749 §4.1.2).
func TestCodeSingleUse(t *testing.T) {
	h := newFlowHarness(t, Config{})
	code := h.code(codeOpts{})
	tk := mustTokens(t, h.exchange(t, "web", code, testVerifier, ""))
	// Rotate once, so the family holds a second access token.
	next := mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))

	wantGrantError(t, h.exchange(t, "web", code, testVerifier, ""), CodeInvalidGrant)

	feed := h.revoked(t)
	for _, at := range []string{tk.Access, next.Access} {
		jti := claimsOf(t, at)["jti"].(string)
		if _, ok := feed[jti]; !ok {
			t.Errorf("access token %s issued from the replayed code is not in /o/revoked", jti)
		}
		if got := h.introspect(t, at, ""); got["active"] != false {
			t.Errorf("access token still active after the replay: %v", got)
		}
	}
	wantGrantError(t, h.refresh(t, "web", next.Refresh, ""), CodeInvalidGrant)
	// A third attempt is still refused.
	wantGrantError(t, h.exchange(t, "web", code, testVerifier, ""), CodeInvalidGrant)
}

// TestCodeLifetime: codes live at most 60 s; an expired one is invalid_grant.
func TestCodeLifetime(t *testing.T) {
	for _, d := range []time.Duration{61 * time.Second, time.Hour, -time.Second} {
		if _, err := (FlowConfig{CodeTTL: d}).withDefaults(); err == nil {
			t.Errorf("Flows.CodeTTL %v accepted", d)
		}
	}
	if f, err := (FlowConfig{}).withDefaults(); err != nil || f.CodeTTL != 60*time.Second {
		t.Errorf("default CodeTTL = %v, %v", f.CodeTTL, err)
	}
	h := newFlowHarness(t, Config{})
	code := h.code(codeOpts{ttl: time.Minute})
	h.clock.Advance(time.Minute)
	wantGrantError(t, h.exchange(t, "web", code, testVerifier, ""), CodeInvalidGrant)
	code = h.code(codeOpts{ttl: time.Minute})
	h.clock.Advance(59 * time.Second)
	mustTokens(t, h.exchange(t, "web", code, testVerifier, ""))
}

// TestCodeBoundToClient: another client cannot redeem a code, and its
// attempt does not burn the code for the rightful one.
func TestCodeBoundToClient(t *testing.T) {
	h := newFlowHarness(t, Config{})
	code := h.code(codeOpts{client: "web"})
	wantGrantError(t, h.exchange(t, "other", code, testVerifier, webRedirect), CodeInvalidGrant)
	mustTokens(t, h.exchange(t, "web", code, testVerifier, ""))
}

// TestCodeRedirectURI: redirect_uri must equal the authorization
// request's byte for byte, and be present exactly when it was.
func TestCodeRedirectURI(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tests := []struct {
		name    string
		planted string // in the code; "-" none
		sent    string // in the exchange; "-" none
		ok      bool
	}{
		{"identical", webRedirect, webRedirect, true},
		{"missing though sent before", webRedirect, "-", false},
		{"trailing slash", webRedirect, webRedirect + "/", false},
		{"case differs", webRedirect, strings.ToUpper(webRedirect[:5]) + webRedirect[5:], false},
		{"percent-encoded differently", "https://app.example/c%62", "https://app.example/cb", false},
		{"query added", webRedirect, webRedirect + "?x=1", false},
		{"another registered URI", webRedirect, "https://evil.example/cb", false},
		{"none before, none now", "-", "-", true},
		{"none before, one now", "-", webRedirect, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := h.code(codeOpts{redirectURI: tt.planted})
			r := h.exchange(t, "web", code, testVerifier, tt.sent)
			if tt.ok {
				mustTokens(t, r)
			} else {
				wantGrantError(t, r, CodeInvalidGrant)
			}
		})
	}
}

// TestCodePKCE: the verifier must match the challenge by the code's
// method; a verifier for a code without a challenge is a downgrade.
func TestCodePKCE(t *testing.T) {
	h := newFlowHarness(t, Config{})
	long := strings.Repeat("a", 128)
	tests := []struct {
		name     string
		client   string
		planted  string // verifier the challenge is made from; "-" no challenge
		method   string
		sent     string // verifier sent; "" none
		wantCode string // "" for success
	}{
		{"S256 matches", "web", testVerifier, "", testVerifier, ""},
		{"S256 wrong verifier", "web", testVerifier, "", strings.Repeat("x", 43), CodeInvalidGrant},
		{"S256 verifier missing", "web", testVerifier, "", "", CodeInvalidGrant},
		{"S256 challenge sent as verifier", "web", testVerifier, "", s256(testVerifier), CodeInvalidGrant},
		{"128 characters", "web", long, "", long, ""},
		{"too short (42)", "web", testVerifier[:42], "plain", testVerifier[:42], CodeInvalidGrant},
		{"too long (129)", "web", long + "a", "plain", long + "a", CodeInvalidGrant},
		{"not unreserved", "web", testVerifier[:42] + "+", "plain", testVerifier[:42] + "+", CodeInvalidGrant},
		{"plain when the code says plain", "web", testVerifier, "plain", testVerifier, ""},
		{"plain verifier mismatch", "web", testVerifier, "plain", strings.Repeat("y", 43), CodeInvalidGrant},
		{"downgrade: verifier without challenge", "web", "-", "", testVerifier, CodeInvalidGrant},
		{"confidential without PKCE", "web", "-", "", "", ""},
		{"public client with PKCE", "spa", testVerifier, "", testVerifier, ""},
		{"public client without PKCE", "spa", "-", "", "", CodeInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := h.code(codeOpts{client: tt.client, verifier: tt.planted, method: tt.method})
			r := h.exchange(t, tt.client, code, tt.sent, "")
			if tt.wantCode == "" {
				mustTokens(t, r)
			} else {
				wantGrantError(t, r, tt.wantCode)
			}
		})
	}
}

// TestPublicClientAuth: a public client authenticates with client_id alone
// (none); a confidential one must authenticate.
func TestPublicClientAuth(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{client: "spa"})
	if tk.Refresh == "" {
		t.Error("public client got no refresh token")
	}
	mustTokens(t, h.refresh(t, "spa", tk.Refresh, ""))

	// A confidential client presenting only its client_id.
	code := h.code(codeOpts{client: "web"})
	r := h.post(t, "/token/", "", map[string][]string{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {webRedirect}, "code_verifier": {testVerifier}, "client_id": {"web"}})
	wantGrantError(t, r, CodeInvalidClient)
	// With a wrong secret.
	r = h.post(t, "/token/", "", map[string][]string{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {webRedirect}, "code_verifier": {testVerifier}, "client_id": {"web"}, "client_secret": {"nope"}})
	wantGrantError(t, r, CodeInvalidClient)
	// The code was not burnt by those.
	mustTokens(t, h.exchange(t, "web", code, testVerifier, ""))
}

// TestCodeResponseShape: no refresh token for a client without the
// refresh_token grant, no ID token without openid, unknown codes and a
// client without the grant are refused.
func TestCodeResponseShape(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{client: "norefresh"})
	if tk.Refresh != "" || tk.IDToken == "" {
		t.Errorf("norefresh: refresh %q, id_token %q", tk.Refresh, tk.IDToken)
	}
	tk = h.redeem(t, codeOpts{scope: "read write"})
	if tk.IDToken != "" || tk.Scope != "read write" {
		t.Errorf("without openid: id_token %q scope %q", tk.IDToken, tk.Scope)
	}
	wantGrantError(t, h.exchange(t, "web", "no-such-code", testVerifier, ""), CodeInvalidGrant)
	wantGrantError(t, h.exchange(t, "rs", h.code(codeOpts{client: "web"}), testVerifier, webRedirect), CodeUnauthorizedClient)
	r := h.post(t, "/token/", "web", map[string][]string{"grant_type": {"authorization_code"}})
	wantGrantError(t, r, CodeInvalidRequest)
}

// TestCodeUserDeleted: a code of a user deleted since is invalid_grant.
func TestCodeUserDeleted(t *testing.T) {
	h := newFlowHarness(t, Config{})
	code := h.code(codeOpts{user: h.bob})
	if err := h.db.DeleteUser(h.bob.ID); err != nil {
		t.Fatal(err)
	}
	wantGrantError(t, h.exchange(t, "web", code, testVerifier, ""), CodeInvalidGrant)
}
