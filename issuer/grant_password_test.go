package issuer

import (
	"net/url"
	"testing"
)

func passwordForm(user, pass, scope string) url.Values {
	f := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}
	if scope != "" {
		f.Set("scope", scope)
	}
	return f
}

// TestPasswordGrant: only clients allowed it; bad credentials are
// invalid_grant; the user's tokens carry the user as sub.
func TestPasswordGrant(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := mustTokens(t, h.post(t, "/token/", "pw", passwordForm("alice", alicePassword, "read")))
	if tk.Refresh == "" || tk.Scope != "read" || tk.IDToken != "" {
		t.Errorf("response = %+v", tk)
	}
	if c := claimsOf(t, tk.Access); c["sub"] != h.alice.ID || c["client_id"] != "pw" {
		t.Errorf("claims = %v", c)
	}
	// Revoking the family revokes the first access token too.
	mustTokens(t, h.refresh(t, "pw", tk.Refresh, ""))
	if r := h.post(t, "/revoke_token/", "pw", url.Values{"token": {tk.Refresh}}); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if _, ok := h.revoked(t)[claimsOf(t, tk.Access)["jti"].(string)]; !ok {
		t.Error("the password grant's access token is not revoked with its family")
	}

	tests := []struct {
		name   string
		client string
		form   url.Values
		code   string
	}{
		{"wrong password", "pw", passwordForm("alice", "wrong", ""), CodeInvalidGrant},
		{"unknown user", "pw", passwordForm("nobody", alicePassword, ""), CodeInvalidGrant},
		{"another user's password", "pw", passwordForm("bob", alicePassword, ""), CodeInvalidGrant},
		{"missing password", "pw", url.Values{"grant_type": {"password"}, "username": {"alice"}}, CodeInvalidRequest},
		{"scope not allowed", "pw", passwordForm("alice", alicePassword, "admin"), CodeInvalidScope},
		{"client not allowed the grant", "web", passwordForm("alice", alicePassword, ""), CodeUnauthorizedClient},
		{"oversized username", "pw", passwordForm(string(make([]byte, 300)), alicePassword, ""), CodeInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantGrantError(t, h.post(t, "/token/", tt.client, tt.form), tt.code)
		})
	}
	withID := mustTokens(t, h.post(t, "/token/", "pw", passwordForm("bob", bobPassword, "openid")))
	if withID.IDToken == "" || claimsOf(t, withID.IDToken)["auth_time"] == nil {
		t.Errorf("password grant with openid: %+v", withID)
	}
}

// TestPasswordThrottle: password attempts are throttled per username and
// per source address, with 429 and Retry-After.
func TestPasswordThrottle(t *testing.T) {
	h := newFlowHarness(t, Config{Flows: FlowConfig{
		LoginRateLimit:     RateLimit{Rate: 0.001, Burst: 3},
		LoginAddrRateLimit: RateLimit{Rate: 0.001, Burst: 6},
	}})
	for range 3 {
		wantGrantError(t, h.post(t, "/token/", "pw", passwordForm("alice", "guess", "")), CodeInvalidGrant)
	}
	r := h.post(t, "/token/", "pw", passwordForm("alice", alicePassword, ""))
	wantGrantError(t, r, CodeTemporarilyUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Another username still has budget, until the address runs out
	// (every attempt so far took one of its six).
	mustTokens(t, h.post(t, "/token/", "pw", passwordForm("bob", bobPassword, "")))
	wantGrantError(t, h.post(t, "/token/", "pw", passwordForm("carol", "x", "")), CodeInvalidGrant)
	wantGrantError(t, h.post(t, "/token/", "pw", passwordForm("bob", bobPassword, "")), CodeTemporarilyUnavailable)
}
