package issuer

import (
	"sync"
	"testing"
	"time"
)

// TestRefreshRotation: every refresh returns a new refresh token; reusing
// a rotated one revokes the family and every access token issued in it.
func TestRefreshRotation(t *testing.T) {
	h := newFlowHarness(t, Config{})
	first := h.redeem(t, codeOpts{})
	second := mustTokens(t, h.refresh(t, "web", first.Refresh, ""))
	third := mustTokens(t, h.refresh(t, "web", second.Refresh, ""))
	if second.Refresh == first.Refresh || third.Refresh == second.Refresh || second.Access == first.Access {
		t.Fatal("refresh did not rotate")
	}
	if third.IDToken == "" {
		t.Error("refresh with openid returned no ID token")
	}

	// An attacker replays the first, rotated, token.
	wantGrantError(t, h.refresh(t, "web", first.Refresh, ""), CodeInvalidGrant)
	// The legitimate current token is dead too, and so are the access tokens.
	wantGrantError(t, h.refresh(t, "web", third.Refresh, ""), CodeInvalidGrant)
	feed := h.revoked(t)
	for i, at := range []string{first.Access, second.Access, third.Access} {
		if _, ok := feed[claimsOf(t, at)["jti"].(string)]; !ok {
			t.Errorf("access token %d of the family is not in /o/revoked", i)
		}
	}
}

// TestRefreshParallel: of 16 concurrent refreshes of one token exactly one
// wins; the others present a spent token and get invalid_grant.
func TestRefreshParallel(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	const n = 16
	var wg sync.WaitGroup
	results := make([]httpResp, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = h.refresh(t, "web", tk.Refresh, "")
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, r := range results {
		switch r.status {
		case 200:
			won++
		case 400:
			if r.json(t)["error"] != CodeInvalidGrant {
				t.Errorf("loser got %s", r.body)
			}
		default:
			t.Errorf("unexpected %d %s", r.status, r.body)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d parallel refreshes won, want exactly 1", won, n)
	}
}

// TestRefreshOtherClient: a refresh token works only for its client, and
// another client's attempt changes nothing.
func TestRefreshOtherClient(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{})
	wantGrantError(t, h.refresh(t, "other", tk.Refresh, ""), CodeInvalidGrant)
	wantGrantError(t, h.refresh(t, "spa", tk.Refresh, ""), CodeInvalidGrant)
	mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
	wantGrantError(t, h.refresh(t, "pw", "unknown-token", ""), CodeInvalidGrant)
	wantGrantError(t, h.refresh(t, "rs", tk.Refresh, ""), CodeUnauthorizedClient)
}

// TestRefreshScope: scope may narrow the original grant, never widen it;
// the refresh token keeps the full original scope.
func TestRefreshScope(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{scope: "openid read write"})
	narrow := mustTokens(t, h.refresh(t, "web", tk.Refresh, "read"))
	if narrow.Scope != "read" || claimsOf(t, narrow.Access)["scope"] != "read" || narrow.IDToken != "" {
		t.Errorf("narrowed: scope %q, access scope %v, id_token %q", narrow.Scope, claimsOf(t, narrow.Access)["scope"], narrow.IDToken)
	}
	wantGrantError(t, h.refresh(t, "web", narrow.Refresh, "read profile"), "invalid_scope")
	// The failed widening did not spend the token; the full scope comes back.
	full := mustTokens(t, h.refresh(t, "web", narrow.Refresh, ""))
	if full.Scope != "openid read write" {
		t.Errorf("scope after narrowing = %q, want the original", full.Scope)
	}
}

// TestRefreshLifetimes: an unused token expires after the idle lifetime;
// the family ends at its absolute lifetime however often it rotates.
func TestRefreshLifetimes(t *testing.T) {
	h := newFlowHarness(t, Config{Flows: FlowConfig{RefreshTTL: 10 * time.Hour, RefreshIdleTTL: 4 * time.Hour}})
	tk := h.redeem(t, codeOpts{})
	h.clock.Advance(4 * time.Hour)
	wantGrantError(t, h.refresh(t, "web", tk.Refresh, ""), CodeInvalidGrant)

	tk = h.redeem(t, codeOpts{})
	for range 3 { // 9 hours of regular use
		h.clock.Advance(3 * time.Hour)
		tk = mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
	}
	if m := h.introspect(t, tk.Refresh, "refresh_token"); m["active"] != false {
		// rs is not the owner: inactive whatever the token.
		t.Errorf("refresh token introspected active by another client: %v", m)
	}
	h.clock.Advance(time.Hour)
	wantGrantError(t, h.refresh(t, "web", tk.Refresh, ""), CodeInvalidGrant)

	if _, err := (FlowConfig{RefreshTTL: time.Hour, RefreshIdleTTL: 2 * time.Hour}).withDefaults(); err == nil {
		t.Error("idle lifetime above the absolute one accepted")
	}
}

// TestRefreshAfterClientScopesShrink: a scope taken from the client after
// the grant is gone from the next access token (the OpenID Connect scopes
// stay), and asking for it is invalid_scope.
func TestRefreshAfterClientScopesShrink(t *testing.T) {
	h := newFlowHarness(t, Config{})
	tk := h.redeem(t, codeOpts{scope: "openid read write"})
	c, err := h.db.Client("web")
	if err != nil {
		t.Fatal(err)
	}
	c.Scopes = []string{"read"}
	if err := h.db.UpdateClient(c, c.Updated); err != nil {
		t.Fatal(err)
	}
	h.srv.InvalidateClient("web")
	next := mustTokens(t, h.refresh(t, "web", tk.Refresh, ""))
	if next.Scope != "openid read" || claimsOf(t, next.Access)["scope"] != "openid read" {
		t.Errorf("after the client lost write: scope %q", next.Scope)
	}
	wantGrantError(t, h.refresh(t, "web", next.Refresh, "write"), "invalid_scope")
}
