package main

// npm openid-client, unmodified, against the real `issuer serve`: discovery,
// the authorization code flow with PKCE through the login and consent
// pages (plain HTTP form posts with a cookie jar), the code exchange with
// ID token, nonce and RFC 9207 iss checks, userinfo, refresh rotation,
// introspection, revocation and RP-initiated logout. The script is
// testdata/openid-client-flow.mjs; scripts/install-test-deps.sh installs
// the pinned openid-client into node_modules at the repository root.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// openidClientNode returns node's path, or skips the test with a reason —
// unless TOLLGATE_REQUIRE_NODE is set, when it fails.
func openidClientNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	_, errMod := os.Stat(filepath.Join("..", "..", "..", "node_modules", "openid-client", "package.json"))
	if err != nil || errMod != nil {
		msg := "node or node_modules/openid-client is missing (run scripts/install-test-deps.sh)"
		if os.Getenv("TOLLGATE_REQUIRE_NODE") != "" {
			t.Fatal(msg + "; TOLLGATE_REQUIRE_NODE is set")
		}
		t.Skip(msg + "; set TOLLGATE_REQUIRE_NODE to make this a failure")
	}
	return node
}

// TestOpenIDClient runs testdata/openid-client-flow.mjs and checks its report.
func TestOpenIDClient(t *testing.T) {
	node := openidClientNode(t)
	s := startServer(t, "")
	var user struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(cli(t, "pa55 word\n", "user", "add", "--db", s.db, "--username", "alice", "--password-stdin", "--json")), &user); err != nil || user.ID == "" {
		t.Fatalf("user add: %v", err)
	}
	const redirectURI = "http://127.0.0.1:8765/callback"
	c := addClient(t, s.db, "openid-client app", "--grant", "authorization_code,refresh_token", "--redirect-uri", redirectURI)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "openid-client-flow.mjs"))
	cmd.Env = append(os.Environ(),
		"ISSUER="+s.issuer(), "CLIENT_ID="+c.ID, "CLIENT_SECRET="+c.Secret,
		"REDIRECT_URI="+redirectURI, "USERNAME=alice", "PASSWORD=pa55 word")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("openid-client flow failed: %v\nstdout: %s\nstderr: %s\nissuer log:\n%s", err, out, stderr, s.stderr)
	}
	var r struct {
		Discovery struct {
			Issuer             string   `json:"issuer"`
			EndSessionEndpoint string   `json:"end_session_endpoint"`
			PKCE               []string `json:"pkce"`
		} `json:"discovery"`
		ConsentStatus int `json:"consent_status"`
		Callback      struct {
			StateOK bool   `json:"state_ok"`
			Iss     string `json:"iss"`
		} `json:"callback"`
		IDToken struct {
			Sub      string `json:"sub"`
			Aud      any    `json:"aud"`
			NonceOK  bool   `json:"nonce_ok"`
			AuthTime int64  `json:"auth_time"`
		} `json:"id_token"`
		Token struct {
			HasRefresh bool   `json:"has_refresh"`
			Scope      string `json:"scope"`
			TokenType  string `json:"token_type"`
		} `json:"token"`
		Userinfo map[string]any `json:"userinfo"`
		Refresh  struct {
			Rotated   bool `json:"rotated"`
			NewAccess bool `json:"new_access"`
		} `json:"refresh"`
		IntrospectActive map[string]any `json:"introspect_active"`
		AfterRevoke      struct {
			Refresh map[string]any `json:"refresh"`
			Access  map[string]any `json:"access"`
		} `json:"after_revoke"`
		RefreshAfterRevoke       string `json:"refresh_after_revoke"`
		LogoutPageStatus         int    `json:"logout_page_status"`
		LogoutStatus             int    `json:"logout_status"`
		SessionCookieAfterLogout bool   `json:"session_cookie_after_logout"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	t.Logf("openid-client report: %s", out)

	if r.Discovery.Issuer != s.issuer() || r.Discovery.EndSessionEndpoint != s.issuer()+"/logout/" {
		t.Errorf("discovery: %+v", r.Discovery)
	}
	if r.ConsentStatus != 303 || !r.Callback.StateOK || r.Callback.Iss != s.issuer() {
		t.Errorf("authorization response: consent %d, %+v", r.ConsentStatus, r.Callback)
	}
	if r.IDToken.Sub != user.ID || r.IDToken.Aud != c.ID || !r.IDToken.NonceOK || r.IDToken.AuthTime == 0 {
		t.Errorf("ID token: %+v (user %s, client %s)", r.IDToken, user.ID, c.ID)
	}
	if !r.Token.HasRefresh || r.Token.Scope != "openid profile email read" || r.Token.TokenType != "bearer" {
		t.Errorf("token response: %+v", r.Token)
	}
	if r.Userinfo["sub"] != user.ID || r.Userinfo["preferred_username"] != "alice" {
		t.Errorf("userinfo: %v", r.Userinfo)
	}
	if !r.Refresh.Rotated || !r.Refresh.NewAccess {
		t.Errorf("refresh: %+v", r.Refresh)
	}
	ia := r.IntrospectActive
	if ia["active"] != true || ia["client_id"] != c.ID || ia["sub"] != user.ID || ia["username"] != "alice" || ia["iss"] != s.issuer() {
		t.Errorf("introspection of an active token: %v", ia)
	}
	if len(r.AfterRevoke.Refresh) != 1 || r.AfterRevoke.Refresh["active"] != false ||
		len(r.AfterRevoke.Access) != 1 || r.AfterRevoke.Access["active"] != false {
		t.Errorf("introspection after revocation: %+v", r.AfterRevoke)
	}
	if r.RefreshAfterRevoke != "invalid_grant" {
		t.Errorf("refresh with a revoked token: %q, want invalid_grant", r.RefreshAfterRevoke)
	}
	if r.LogoutPageStatus != 200 || r.LogoutStatus != 200 || r.SessionCookieAfterLogout {
		t.Errorf("logout: page %d, POST %d, cookie kept %v", r.LogoutPageStatus, r.LogoutStatus, r.SessionCookieAfterLogout)
	}
}
