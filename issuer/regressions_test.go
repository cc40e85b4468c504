package issuer

import (
	"net/url"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// TestMaxAgeZeroAfterLogin: OpenID Connect Core §3.1.2.1 makes
// max_age=0 equivalent to prompt=login. The login it sends the user
// through must satisfy it: a browser that completes the login and follows
// the redirect a moment later, across a second boundary, must get its
// answer, not a second login page.
func TestMaxAgeZeroAfterLogin(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	r := b.get(authorizeURL("client_id", "skip", "response_type", "code", "state", "st", "max_age", "0"))
	loc := r.location(t)
	if loc.Path != "/o/login/" {
		t.Fatalf("max_age=0 without a session: to %s", loc)
	}
	next := loc.Query().Get("next")
	h.clock.Advance(900 * time.Millisecond) // the user types the password
	if r := b.login(next, "alice", bhPassword); r.StatusCode != 303 {
		t.Fatalf("login: %d", r.StatusCode)
	}
	h.clock.Advance(200 * time.Millisecond) // the browser follows the redirect
	r = b.get(next)
	if got := wantAuthzResponse(t, r, webCB, false, map[string]string{"state": "st"}); got.Get("code") == "" {
		t.Fatalf("no code after a fresh login: %v", got)
	}
	// Without a fresh login, max_age=0 still demands one.
	h.clock.Advance(2 * time.Second)
	r = b.get(authorizeURL("client_id", "skip", "response_type", "code", "max_age", "0"))
	if loc := r.location(t); loc.Path != "/o/login/" {
		t.Fatalf("max_age=0 with an old session: to %s", loc)
	}
}

// TestRevokeFamilyWithinLeeway: edge validators accept a token up to
// their clock leeway (as much as 600 s) past its exp, which is why the
// revocation feed keeps each entry RevocationGrace past exp. Revoking a
// refresh family must therefore publish its access tokens that expired
// less than RevocationGrace ago too, not only the unexpired ones.
func TestRevokeFamilyWithinLeeway(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	jti := claimsOf(t, tk.Access)["jti"].(string)
	h.clock.Advance(time.Hour + 30*time.Second) // exp + 30 s: an edge with 60 s leeway still accepts it
	if r := h.post(t, "/revoke_token/", "web", url.Values{"token": {tk.Refresh}}); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if _, ok := h.revoked(t)[jti]; !ok {
		t.Errorf("access token expired 30 s ago is not in the revocation feed after its family was revoked")
	}

	// The same through reuse detection after a rotation.
	tk = h.redeem(t, codeOpts{})
	jti = claimsOf(t, tk.Access)["jti"].(string)
	h.clock.Advance(time.Hour + 30*time.Second)
	next := mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
	jti2 := claimsOf(t, next.Access)["jti"].(string)
	h.clock.Advance(time.Minute)
	wantGrantError(t, h.refresh(t, "web", tk.Refresh, ""), CodeInvalidGrant) // reuse: the family is revoked
	feed := h.revoked(t)
	if _, ok := feed[jti2]; !ok {
		t.Errorf("live access token of the reused family is not revoked")
	}
	if _, ok := feed[jti]; !ok {
		t.Errorf("access token expired 90 s ago is not in the revocation feed after reuse revoked its family")
	}
}

// TestOriginOfIssuerWithDefaultPort: browsers serialize an origin
// without the scheme's default port and with a lower-case host (RFC 6454
// §6.2). An issuer configured as http://Issuer.test:80/o must still accept
// its own login form, whose POST carries Origin: http://issuer.test.
func TestOriginOfIssuerWithDefaultPort(t *testing.T) {
	for _, iss := range []string{"http://issuer.test:80/o", "http://Issuer.TEST/o"} {
		t.Run(iss, func(t *testing.T) {
			h := newBH(t, Config{Issuer: iss})
			b := h.browser()
			b.header.Set("Origin", testOrigin)
			if r := b.login("", "alice", bhPassword); r.StatusCode != 303 {
				t.Fatalf("same-origin login refused: %d %q", r.StatusCode, alertOf(r.body))
			}
			b.header.Set("Origin", "http://issuer.test:8080")
			if r := b.login("", "alice", bhPassword); r.StatusCode != 403 {
				t.Fatalf("login from another origin: %d, want 403", r.StatusCode)
			}
		})
	}
}

// TestPasswordChangeEndsSessions: changing a user's password (issuer
// user passwd, typically after a compromise) must sign out the browser
// sessions started with the old one, as Django does for DOT's users;
// otherwise whoever holds a stolen session cookie keeps obtaining codes
// for up to the session's twelve hours.
func TestPasswordChangeEndsSessions(t *testing.T) {
	h := newBH(t, Config{})
	authzClients(h)
	b := h.browser()
	b.mustLogin()
	req := authorizeURL("client_id", "skip", "response_type", "code")
	if got := wantAuthzResponse(t, b.get(req), webCB, false, nil); got.Get("code") == "" {
		t.Fatalf("no code with a session: %v", got)
	}
	hash, err := store.HashPassword("a new password")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetUserPassword(h.alice.ID, hash); err != nil {
		t.Fatal(err)
	}
	if loc := b.get(req).location(t); loc.Path != "/o/login/" {
		t.Fatalf("session survived the password change: to %s", loc)
	}
}

// TestRevokeAccessTokenWithinLeeway: RFC 7009 revocation of an access
// token that expired a moment ago, but that edges still accept within
// their clock leeway, must reach the revocation feed; a token expired
// longer than RevocationGrace ago needs no entry.
func TestRevokeAccessTokenWithinLeeway(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	old := h.redeem(t, codeOpts{})
	jti := claimsOf(t, tk.Access)["jti"].(string)
	oldJTI := claimsOf(t, old.Access)["jti"].(string)
	h.clock.Advance(time.Hour + 30*time.Second)
	for _, tok := range []string{tk.Access} {
		if r := h.post(t, "/revoke_token/", "web", url.Values{"token": {tok}, "token_type_hint": {"access_token"}}); r.status != 200 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
	}
	if _, ok := h.revoked(t)[jti]; !ok {
		t.Errorf("access token expired 30 s ago is not in the revocation feed after RFC 7009 revocation")
	}
	h.clock.Advance(RevocationGrace)
	if r := h.post(t, "/revoke_token/", "web", url.Values{"token": {old.Access}}); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if _, ok := h.revoked(t)[oldJTI]; ok {
		t.Errorf("a token long expired was added to the feed")
	}
	// Another client still cannot revoke it.
	other := h.redeem(t, codeOpts{})
	otherJTI := claimsOf(t, other.Access)["jti"].(string)
	h.clock.Advance(time.Hour + 10*time.Second)
	if r := h.post(t, "/revoke_token/", "other", url.Values{"token": {other.Access}}); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if _, ok := h.revoked(t)[otherJTI]; ok {
		t.Errorf("another client revoked web's token")
	}
}
