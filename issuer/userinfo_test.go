package issuer

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/issuer/store"
)

// userToken runs the authorization code flow for client "web" (secret
// given) with scope, exchanges the code at the token endpoint and returns
// the access token.
func userToken(t *testing.T, h *bh, b *tbrowser, secret, scope string) string {
	t.Helper()
	f := getConsent(t, b, "client_id", "web", "response_type", "code", "redirect_uri", webCB, "scope", scope,
		"code_challenge", challengeOf(bhVerifier), "code_challenge_method", "S256")
	f.Set("allow", "1")
	code := b.post("/o/authorize/", f).location(t).Query().Get("code")
	req, _ := http.NewRequest("POST", testOrigin+"/o/token/", strings.NewReader(url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {webCB}, "code_verifier": {bhVerifier},
	}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("web", url.QueryEscape(secret))
	r := b.do(req)
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	if r.StatusCode != 200 || json.Unmarshal([]byte(r.body), &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("code exchange: %d %s", r.StatusCode, r.body)
	}
	return tok.AccessToken
}

// userinfoCall calls the userinfo endpoint with method, an Authorization
// header auth (if any) and a form body (if any).
func userinfoCall(b *tbrowser, method, auth string, form url.Values) *tresp {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, testOrigin+"/o/userinfo/", body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return b.do(req)
}

// TestUserinfo: sub always, profile and email claims by scope; GET and
// POST; RFC 6750 errors for everything else.
func TestUserinfo(t *testing.T) {
	h := newBH(t, Config{})
	webSec := authzClients(h)["web"]
	b := h.browser()
	b.mustLogin()

	full := userToken(t, h, b, webSec, "openid profile email")
	bare := userToken(t, h, b, webSec, "openid")
	noOpenID := userToken(t, h, b, webSec, "read")

	claims := func(r *tresp) map[string]any {
		t.Helper()
		var m map[string]any
		if r.StatusCode != 200 || json.Unmarshal([]byte(r.body), &m) != nil {
			t.Fatalf("userinfo: %d %s", r.StatusCode, r.body)
		}
		if r.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("headers %v", r.Header)
		}
		return m
	}
	m := claims(userinfoCall(b, "GET", "Bearer "+full, nil))
	want := map[string]any{"sub": h.alice.ID, "preferred_username": "alice", "name": "Alice Liddell", "email": "alice@example.com"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("extra claims: %v", m)
	}
	m = claims(userinfoCall(b, "POST", "", url.Values{"access_token": {bare}}))
	if m["sub"] != h.alice.ID || len(m) != 1 {
		t.Errorf("openid only: %v", m)
	}
	m = claims(userinfoCall(b, "POST", "bearer "+bare, url.Values{}))
	if m["sub"] != h.alice.ID {
		t.Errorf("POST with header: %v", m)
	}

	// A client's own token (client_credentials).
	svc, svcSecret := h.addClient(store.Client{ID: "svc2", GrantTypes: []string{store.GrantClientCredentials}, Scopes: []string{"openid"}})
	req, _ := http.NewRequest("POST", testOrigin+"/o/token/", strings.NewReader("grant_type=client_credentials&scope=openid"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(svc.ID, svcSecret)
	var cc struct {
		AccessToken string `json:"access_token"`
	}
	if r := b.do(req); json.Unmarshal([]byte(r.body), &cc) != nil || cc.AccessToken == "" {
		t.Fatalf("client_credentials: %s", r.body)
	}

	tampered := full[:len(full)-4] + "AAAA"
	tests := []struct {
		name      string
		method    string
		auth      string
		form      url.Values
		status    int
		challenge string // substring of WWW-Authenticate
	}{
		{"no token", "GET", "", nil, 401, `Bearer realm="tollgate"`},
		{"other scheme", "GET", "Basic eDp5", nil, 401, `Bearer realm="tollgate"`},
		{"malformed header", "GET", "Bearer a b", nil, 400, `error="invalid_request"`},
		{"bad signature", "GET", "Bearer " + tampered, nil, 401, `error="invalid_token"`},
		{"garbage", "GET", "Bearer abc.def.ghi", nil, 401, `error="invalid_token"`},
		{"no openid scope", "GET", "Bearer " + noOpenID, nil, 403, `error="insufficient_scope"`},
		{"client token", "GET", "Bearer " + cc.AccessToken, nil, 401, `error="invalid_token"`},
		{"two tokens", "POST", "Bearer " + full, url.Values{"access_token": {full}}, 400, `error="invalid_request"`},
		{"token in query", "GET", "", nil, 401, `Bearer realm="tollgate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := userinfoCall(b, tt.method, tt.auth, tt.form)
			if tt.name == "token in query" {
				req, _ := http.NewRequest("GET", testOrigin+"/o/userinfo/?access_token="+full, nil)
				r = b.do(req)
			}
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.body)
			}
			wa := r.Header.Get("WWW-Authenticate")
			if !strings.Contains(wa, tt.challenge) || !strings.HasPrefix(wa, "Bearer ") {
				t.Errorf("WWW-Authenticate = %q, want it to contain %q", wa, tt.challenge)
			}
			if tt.status == 401 && tt.challenge == `Bearer realm="tollgate"` && strings.Contains(wa, "error=") {
				t.Errorf("a request without a token got an error code: %q", wa)
			}
			if tt.status == 403 && !strings.Contains(wa, `scope="openid"`) {
				t.Errorf("insufficient_scope without scope: %q", wa)
			}
		})
	}

	// A deleted user's token no longer gets claims.
	if err := h.db.DeleteUser(h.alice.ID); err != nil {
		t.Fatal(err)
	}
	if r := userinfoCall(b, "GET", "Bearer "+full, nil); r.StatusCode != 401 {
		t.Errorf("deleted user: status %d", r.StatusCode)
	}

	// CORS preflight.
	req, _ = http.NewRequest("OPTIONS", testOrigin+"/o/userinfo/", nil)
	req.Header.Set("Origin", "https://spa.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	if r := b.do(req); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", r.StatusCode, r.Header)
	}
}
