package issuer

import (
	"net/url"
	"testing"
)

func revokeForm(token, hint string) url.Values {
	f := url.Values{"token": {token}}
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	return f
}

// wantRevoke200 asserts RFC 7009's 200 with an empty, uncacheable body.
func wantRevoke200(t testing.TB, r httpResp) {
	t.Helper()
	if r.status != 200 || len(r.body) != 0 {
		t.Errorf("revocation answered %d %q, want 200 and no body", r.status, r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
}

// TestRevokeAccessToken: an access token is revoked by jti, with or
// without a hint (an unknown hint is ignored), and published until exp.
func TestRevokeAccessToken(t *testing.T) {
	h := newFlowHarness(t, Config{})
	for _, hint := range []string{"", "access_token", "refresh_token", "made_up_hint"} {
		t.Run("hint="+hint, func(t *testing.T) {
			tk := h.redeem(t, codeOpts{})
			c := claimsOf(t, tk.Access)
			wantRevoke200(t, h.post(t, "/revoke_token/", "web", revokeForm(tk.Access, hint)))
			exp, ok := h.revoked(t)[c["jti"].(string)]
			if !ok {
				t.Fatal("revoked access token not in /o/revoked")
			}
			if want, _ := c["exp"].(interface{ Int64() (int64, error) }).Int64(); exp != want {
				t.Errorf("feed exp = %d, want the token's %d", exp, want)
			}
			if m := h.introspect(t, tk.Access, ""); m["active"] != false {
				t.Errorf("revoked token introspects %v", m)
			}
			// The refresh token of the same grant is untouched (RFC 7009 §2.1: MAY).
			mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
		})
	}
}

// TestRevokeRefreshToken: revoking a refresh token revokes its family and
// the access tokens issued in it.
func TestRevokeRefreshToken(t *testing.T) {
	h := newFlowHarness(t, Config{})
	first := h.redeem(t, codeOpts{})
	second := mustTokens(t, h.refresh(t, "web", first.Refresh, ""))
	for _, hint := range []string{"refresh_token", ""} {
		wantRevoke200(t, h.post(t, "/revoke_token/", "web", revokeForm(second.Refresh, hint)))
	}
	wantGrantError(t, h.refresh(t, "web", second.Refresh, ""), CodeInvalidGrant)
	feed := h.revoked(t)
	for _, at := range []string{first.Access, second.Access} {
		if _, ok := feed[claimsOf(t, at)["jti"].(string)]; !ok {
			t.Error("an access token of the revoked family is not in /o/revoked")
		}
	}
	// A rotated token of the family revokes it as well (public client).
	spa := h.redeem(t, codeOpts{client: "spa"})
	spa2 := mustTokens(t, h.refresh(t, "spa", spa.Refresh, ""))
	wantRevoke200(t, h.post(t, "/revoke_token/", "spa", revokeForm(spa.Refresh, "access_token")))
	wantGrantError(t, h.refresh(t, "spa", spa2.Refresh, ""), CodeInvalidGrant)
}

// TestRevokeOnlyOwnTokens: another client's tokens answer 200 and stay valid.
func TestRevokeOnlyOwnTokens(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{client: "web"})
	wantRevoke200(t, h.post(t, "/revoke_token/", "other", revokeForm(tk.Access, "")))
	wantRevoke200(t, h.post(t, "/revoke_token/", "other", revokeForm(tk.Refresh, "")))
	wantRevoke200(t, h.post(t, "/revoke_token/", "spa", revokeForm(tk.Refresh, "refresh_token")))
	if len(h.revoked(t)) != 0 {
		t.Error("another client's revocation reached the feed")
	}
	if m := h.introspect(t, tk.Access, ""); m["active"] != true {
		t.Errorf("token revoked by another client: %v", m)
	}
	mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
}

// TestRevokeUnknownToken: unknown, malformed, expired and foreign-signed
// tokens get 200 and change nothing.
func TestRevokeUnknownToken(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	before := h.get(t, "/revoked").header.Get("ETag")
	parts := []byte(tk.Access)
	parts[len(parts)-3] ^= 1 // corrupt the signature
	for _, tok := range []string{"unknown", "a.b.c", string(parts), tk.IDToken} {
		wantRevoke200(t, h.post(t, "/revoke_token/", "web", revokeForm(tok, "")))
	}
	if after := h.get(t, "/revoked").header.Get("ETag"); after != before {
		t.Error("revoking garbage changed the feed")
	}
}

// TestRevokeRequest: client authentication and a token are required.
func TestRevokeRequest(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	wantGrantError(t, h.post(t, "/revoke_token/", "", revokeForm(tk.Access, "")), CodeInvalidClient)
	wantGrantError(t, h.post(t, "/revoke_token/", "", url.Values{"token": {tk.Access}, "client_id": {"web"}}), CodeInvalidClient)
	wantGrantError(t, h.post(t, "/revoke_token/", "web", url.Values{}), CodeInvalidRequest)
	if r := h.get(t, "/revoke_token/"); r.status != 405 {
		t.Errorf("GET /o/revoke_token/ = %d, want 405", r.status)
	}
	if m := h.introspect(t, tk.Access, ""); m["active"] != true {
		t.Error("a refused revocation revoked")
	}
}
