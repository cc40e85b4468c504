package issuer

import (
	"testing"

	"github.com/tollgate/tollgate/issuer/store"
)

// TestCORS: public documents are readable from any origin; the token,
// revocation and introspection endpoints answer every preflight, but only
// an origin the authenticated client lists may read the answer; browser
// pages have no CORS at all.
func TestCORS(t *testing.T) {
	h := newHarness(t, Config{})
	spa := &store.Client{ID: "spa-cors", Name: "spa-cors", Type: store.Confidential, SecretHash: store.HashSecret("spa-secret"),
		GrantTypes: []string{store.GrantClientCredentials}, Scopes: []string{"read"}, AllowedOrigins: []string{"https://app.example"}}
	h.clients.set(spa)
	const app, evil = "https://app.example", "https://evil.example"
	preflight := func(path, origin string) response {
		return h.do(t, request{method: "OPTIONS", path: path, contentType: "none",
			headers: map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}})
	}
	token := func(origin, secret string) response {
		return h.do(t, request{auth: basic("spa-cors", secret), body: "grant_type=client_credentials", headers: map[string]string{"Origin": origin}})
	}

	for _, path := range []string{"/o/token/", "/o/revoke_token/", "/o/introspect/"} {
		r := preflight(path, evil)
		if r.status != 204 || r.header["Access-Control-Allow-Origin"] != evil || r.header["Access-Control-Allow-Methods"] != "POST" ||
			r.header["Access-Control-Allow-Headers"] != "Authorization, Content-Type, If-None-Match" || r.header["Access-Control-Max-Age"] != "600" ||
			r.header["Vary"] != "Origin" {
			t.Errorf("preflight of %s: %d %v", path, r.status, r.header)
		}
	}
	if r := token(app, "spa-secret"); r.status != 200 || r.header["Access-Control-Allow-Origin"] != app || r.header["Vary"] != "Origin" {
		t.Errorf("token from a listed origin: %d %v", r.status, r.header)
	}
	for _, r := range []response{token(evil, "spa-secret"), token(app, "wrong"), token("https://app.example:8443", "spa-secret")} {
		if _, ok := r.header["Access-Control-Allow-Origin"]; ok {
			t.Errorf("answer %d readable cross-origin: %v", r.status, r.header)
		}
	}
	rv := h.do(t, request{path: "/o/revoke_token/", auth: basic("spa-cors", "spa-secret"), body: "token=x", headers: map[string]string{"Origin": app}})
	if rv.status != 200 || rv.header["Access-Control-Allow-Origin"] != app {
		t.Errorf("revocation from a listed origin: %d %v", rv.status, rv.header)
	}

	for _, path := range []string{"/o/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/o", "/o/.well-known/jwks.json", "/o/revoked"} {
		for _, origin := range []string{"", evil} {
			r := h.do(t, request{method: "GET", path: path, contentType: "none", headers: map[string]string{"Origin": origin}})
			if r.status != 200 || r.header["Access-Control-Allow-Origin"] != "*" {
				t.Errorf("GET %s (Origin %q): %d, Access-Control-Allow-Origin %q", path, origin, r.status, r.header["Access-Control-Allow-Origin"])
			}
		}
	}
	if r := preflight("/o/userinfo/", evil); r.status != 204 || r.header["Access-Control-Allow-Origin"] != "*" || r.header["Access-Control-Allow-Methods"] != "GET, POST, HEAD" {
		t.Errorf("userinfo preflight: %d %v", r.status, r.header)
	}

	for _, path := range []string{"/o/login/", "/o/authorize/", "/o/logout/"} {
		r := preflight(path, evil)
		if _, ok := r.header["Access-Control-Allow-Origin"]; r.status != 405 || ok {
			t.Errorf("preflight of browser page %s: %d %v", path, r.status, r.header)
		}
	}
	// OPTIONS without Access-Control-Request-Method is no preflight.
	if r := h.do(t, request{method: "OPTIONS", path: "/o/token/", contentType: "none", headers: map[string]string{"Origin": app}}); r.status != 405 {
		t.Errorf("plain OPTIONS: status %d, want 405", r.status)
	}
}
