package issuer

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/wasm/validator"
)

// TestRevokedFeed: GET /o/revoked is the JSON array the edge validator
// parses, with a strong ETag that changes exactly when the set does, 304
// on If-None-Match, a short max-age, and expired entries dropped.
func TestRevokedFeed(t *testing.T) {
	h := newFlowHarness(t, Config{AccessTokenTTL: time.Hour})
	empty := h.get(t, "/revoked")
	if empty.status != 200 || string(empty.body) != "[]" {
		t.Fatalf("empty feed = %d %s", empty.status, empty.body)
	}
	if cc := empty.header.Get("Cache-Control"); cc != "public, max-age=10" {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag0 := empty.header.Get("ETag")
	if !strings.HasPrefix(etag0, `"`) {
		t.Errorf("ETag %q is not a strong entity tag", etag0)
	}
	if r := h.get(t, "/revoked", "If-None-Match", etag0); r.status != 304 || len(r.body) != 0 {
		t.Errorf("If-None-Match = %d %q, want 304", r.status, r.body)
	}

	tk := h.redeem(t, codeOpts{})
	if h.get(t, "/revoked").header.Get("ETag") != etag0 {
		t.Error("ETag changed without a revocation")
	}
	wantRevoke200(t, h.post(t, "/revoke_token/", "web", url.Values{"token": {tk.Access}}))
	one := h.get(t, "/revoked")
	etag1 := one.header.Get("ETag")
	if etag1 == etag0 {
		t.Fatal("ETag unchanged by a revocation")
	}
	if r := h.get(t, "/revoked", "If-None-Match", etag0); r.status != 200 {
		t.Errorf("stale If-None-Match = %d, want 200", r.status)
	}
	// The edge validator parses exactly this shape.
	v, err := validator.New(&validator.Policy{Issuer: h.issuer, Audiences: []string{h.issuer}, JWKSURL: h.issuer + "/.well-known/jwks.json"})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.SetRevocations(one.body); err != nil {
		t.Fatalf("validator.SetRevocations(feed) = %v\n%s", err, one.body)
	}
	doc, _ := h.ring.JWKS()
	if err := v.SetKeys(doc); err != nil {
		t.Fatal(err)
	}
	if _, verr := v.Validate([]byte(tk.Access), h.clock.Now().Unix(), []byte("GET"), []byte("/")); verr == nil || verr.Description != "token revoked" {
		t.Errorf("edge validator with the feed: %v, want token revoked", verr)
	}

	// Revoking it again changes nothing.
	wantRevoke200(t, h.post(t, "/revoke_token/", "web", url.Values{"token": {tk.Access}}))
	if h.get(t, "/revoked").header.Get("ETag") != etag1 {
		t.Error("ETag changed though the set did not")
	}
	// Still listed within the grace after exp, gone after it.
	h.clock.Advance(time.Hour + RevocationGrace - time.Second)
	if len(h.revoked(t)) != 1 {
		t.Error("entry dropped before exp + RevocationGrace")
	}
	h.clock.Advance(time.Second)
	after := h.get(t, "/revoked")
	if string(after.body) != "[]" || after.header.Get("ETag") != etag0 {
		t.Errorf("after expiry: %s %s, want [] and the empty set's ETag", after.body, after.header.Get("ETag"))
	}
	// And the purge removes it from the store.
	h.srv.purgeNow()
	if revs, _ := h.db.Revocations(time.Time{}); len(revs) != 0 {
		t.Errorf("purge left %v", revs)
	}
}
