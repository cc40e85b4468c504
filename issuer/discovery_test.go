package issuer

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDiscovery(t *testing.T) {
	h := newHarness(t, Config{ScopesSupported: []string{"read", "write"}})
	oidc := h.do(t, request{method: "GET", path: "/o/.well-known/openid-configuration"})
	rfc8414 := h.do(t, request{method: "GET", path: "/.well-known/oauth-authorization-server/o"})
	for name, r := range map[string]response{"openid-configuration": oidc, "oauth-authorization-server": rfc8414} {
		if r.status != 200 || !strings.HasPrefix(r.header["Content-Type"], "application/json") {
			t.Fatalf("%s: status %d, Content-Type %q", name, r.status, r.header["Content-Type"])
		}
		if r.header["Cache-Control"] != "public, max-age=300" || r.header["Etag"] == "" || r.header["Access-Control-Allow-Origin"] != "*" {
			t.Errorf("%s: headers %v", name, r.header)
		}
	}
	if !bytes.Equal(oidc.body, rfc8414.body) {
		t.Error("the two metadata documents differ")
	}

	var m map[string]any
	if err := json.Unmarshal(oidc.body, &m); err != nil {
		t.Fatal(err)
	}
	const iss = "http://127.0.0.1:9000/o"
	want := map[string]any{
		"issuer":                 iss,
		"token_endpoint":         iss + "/token/",
		"jwks_uri":               iss + "/.well-known/jwks.json",
		"authorization_endpoint": iss + "/authorize/",
		"revocation_endpoint":    iss + "/revoke_token/",
		"introspection_endpoint": iss + "/introspect/",
		"userinfo_endpoint":      iss + "/userinfo/",
		"end_session_endpoint":   iss + "/logout/",
		"authorization_response_iss_parameter_supported": true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	lists := map[string][]string{
		"grant_types_supported":                 {"authorization_code", "client_credentials", "implicit", "password", "refresh_token"},
		"token_endpoint_auth_methods_supported": {"client_secret_basic", "client_secret_post", "none"},
		"response_types_supported":              {"code", "code id_token", "id_token", "token"},
		"response_modes_supported":              {"query", "fragment", "form_post"},
		"prompt_values_supported":               {"none", "login", "consent", "select_account"},
		"subject_types_supported":               {"public"},
		"code_challenge_methods_supported":      {"S256"},
		"scopes_supported":                      {"openid", "profile", "email", "read", "write"},
		"id_token_signing_alg_values_supported": {"RS256", "ES256"},
	}
	for k, wantList := range lists {
		var got []string
		for _, v := range m[k].([]any) {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, wantList) {
			t.Errorf("%s = %v, want %v", k, got, wantList)
		}
	}

	// Conditional GET and HEAD.
	r := h.do(t, request{method: "GET", path: "/o/.well-known/openid-configuration", headers: map[string]string{"If-None-Match": oidc.header["Etag"]}})
	if r.status != 304 || len(r.body) != 0 {
		t.Errorf("If-None-Match: status %d, body %q", r.status, r.body)
	}
	r = h.do(t, request{method: "HEAD", path: "/o/.well-known/openid-configuration"})
	if r.status != 200 || len(r.body) != 0 {
		t.Errorf("HEAD: status %d, body %q", r.status, r.body)
	}
	r = h.do(t, request{method: "POST", path: "/o/.well-known/openid-configuration"})
	wantError(t, r, 405, CodeInvalidRequest)
	if r.header["Allow"] != "GET, HEAD" {
		t.Errorf("Allow = %q", r.header["Allow"])
	}
}

// TestDiscoveryIssuerPath checks that routes follow the issuer's path.
func TestDiscoveryIssuerPath(t *testing.T) {
	tests := []struct {
		name, issuer, oidcPath, rfc8414Path, tokenPath string
	}{
		{"root issuer", "https://auth.example.com", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/token/"},
		{"deeper path", "https://example.com/tenant/a", "/tenant/a/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/tenant/a", "/tenant/a/token/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{Issuer: tt.issuer})
			for _, p := range []string{tt.oidcPath, tt.rfc8414Path} {
				r := h.do(t, request{method: "GET", path: p})
				if r.status != 200 || r.json(t)["issuer"] != tt.issuer || r.json(t)["token_endpoint"] != tt.issuer+"/token/" {
					t.Errorf("GET %s: %d %s", p, r.status, r.body)
				}
			}
			r := h.do(t, request{path: tt.tokenPath, auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"})
			if r.status != 200 {
				t.Fatalf("token at %s: %d %s", tt.tokenPath, r.status, r.body)
			}
			wantError(t, h.do(t, request{path: "/o/token/", auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}), 404, CodeNotFound)
		})
	}
}

func TestJWKS(t *testing.T) {
	h := newHarness(t, Config{JWKSMaxAge: 90e9})
	const path = "/o/.well-known/jwks.json"
	r := h.do(t, request{method: "GET", path: path})
	if r.status != 200 || !bytes.Equal(r.body, h.signer.jwks) {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	etag := `"` + h.signer.etag + `"` // the signer's bare tag, quoted
	if r.header["Etag"] != etag || r.header["Cache-Control"] != "public, max-age=90" || r.header["Access-Control-Allow-Origin"] != "*" {
		t.Errorf("headers %v", r.header)
	}
	tests := []struct {
		name, ifNoneMatch string
		want              int
	}{
		{"exact", etag, 304},
		{"weak", "W/" + etag, 304},
		{"in a list", `"other", ` + etag, 304},
		{"star", "*", 304},
		{"other tag", `"other"`, 200},
		{"unquoted", h.signer.etag, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(t, request{method: "GET", path: path, headers: map[string]string{"If-None-Match": tt.ifNoneMatch}})
			if r.status != tt.want {
				t.Fatalf("status %d, want %d", r.status, tt.want)
			}
			if r.header["Etag"] != etag || r.header["Cache-Control"] != "public, max-age=90" {
				t.Errorf("headers %v", r.header)
			}
			if tt.want == 304 && len(r.body) != 0 {
				t.Errorf("304 with body %q", r.body)
			}
		})
	}
	wantError(t, h.do(t, request{method: "DELETE", path: path}), 405, CodeInvalidRequest)
}

func TestQuoteETag(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": `"abc"`, `"abc"`: `"abc"`, `W/"abc"`: `W/"abc"`, `a"b`: `"ab"`} {
		if got := quoteETag(in); got != want {
			t.Errorf("quoteETag(%q) = %q, want %q", in, got, want)
		}
	}
}
