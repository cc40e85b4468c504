package issuer

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/jwks/signing"
)

// TestVerifyAccessToken: the issuer's own policy for its tokens.
func TestVerifyAccessToken(t *testing.T) {
	h := newFlowHarness(t, Config{})
	now := h.clock.Now().Unix()
	sign := func(alg, typ, claims string) string {
		tok, _, err := h.ring.Sign(alg, typ, []byte(claims))
		if err != nil {
			t.Fatal(err)
		}
		return string(tok)
	}
	claims := func(iss, aud, client string, exp int64) string {
		return fmt.Sprintf(`{"iss":%q,"sub":%q,"aud":%q,"exp":%d,"iat":%d,"nbf":%d,"jti":"j","client_id":%q}`, iss, client, aud, exp, now, now, client)
	}
	tk := h.redeem(t, codeOpts{})
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"minted by the flow", tk.Access, true},
		{"hand-signed, right policy", sign("ES256", "at+jwt", claims(h.issuer, h.issuer, "rs", now+60)), true},
		{"EdDSA key", sign("EdDSA", "at+jwt", claims(h.issuer, h.issuer, "rs", now+60)), true},
		{"ID token (typ JWT)", tk.IDToken, false},
		{"another issuer", sign("ES256", "at+jwt", claims("https://evil.example/o", h.issuer, "rs", now+60)), false},
		{"audience of another client", sign("ES256", "at+jwt", claims(h.issuer, "api-a", "rs", now+60)), false},
		{"unknown client", sign("ES256", "at+jwt", claims(h.issuer, h.issuer, "ghost", now+60)), false},
		{"expired", sign("ES256", "at+jwt", claims(h.issuer, h.issuer, "rs", now)), false},
		{"no client_id", sign("ES256", "at+jwt", `{"iss":"x"}`), false},
		{"not a JWS", "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, e := h.srv.verifyAccessToken([]byte(tt.token))
			if tt.ok && e != nil {
				t.Fatalf("verifyAccessToken = %v", e)
			}
			if !tt.ok && (e == nil || e.Code != codeInvalidToken) {
				t.Fatalf("verifyAccessToken = %+v, %v; want invalid_token", c, e)
			}
		})
	}
	c, _ := h.srv.verifyAccessToken([]byte(tk.Access))
	if c.Username() != "alice" || c.Subject != h.alice.ID || c.ClientID != "web" || !c.HasScope("read") || c.JTI == "" {
		t.Errorf("claims = %+v", c)
	}

	// The client's audience changes: its old tokens no longer verify.
	web := *h.clients["web"].Client
	web.Audience = []string{"api-new"}
	if err := h.db.DeleteClient("web"); err != nil {
		t.Fatal(err)
	}
	web.ID, web.Name = "web", "web"
	if err := h.db.CreateClient(&web); err != nil {
		t.Fatal(err)
	}
	h.srv.InvalidateClient("web")
	if _, e := h.srv.verifyAccessToken([]byte(tk.Access)); e == nil {
		t.Error("token verified though its client's audience changed")
	}
}

// TestVerifyAccessTokenKeys: a key added to the ring (new JWKS ETag) is
// picked up, and tokens of the retired key still verify.
func TestVerifyAccessTokenKeys(t *testing.T) {
	h := newFlowHarness(t, Config{})
	old := h.redeem(t, codeOpts{})
	if _, e := h.srv.verifyAccessToken([]byte(old.Access)); e != nil {
		t.Fatal(e)
	}
	k, err := signing.Generate(signing.ES256, h.clock.Now(), h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.ring.Add(k)
	fresh := h.redeem(t, codeOpts{})
	if kid := headerOf(t, fresh.Access)["kid"]; kid != k.Kid {
		t.Fatalf("new token signed by %v, want the new key %s", kid, k.Kid)
	}
	for _, at := range []string{old.Access, fresh.Access} {
		if _, e := h.srv.verifyAccessToken([]byte(at)); e != nil {
			t.Errorf("after rotation: %v", e)
		}
	}
}

// TestVerifyAccessTokenHammer: pooled validators under concurrent use
// while tokens are revoked; a revoked token never verifies afterwards.
func TestVerifyAccessTokenHammer(t *testing.T) {
	h := newFlowHarness(t, Config{})
	const n = 8
	toks := make([]tokens, n)
	for i := range toks {
		toks[i] = h.redeem(t, codeOpts{})
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, e := h.srv.verifyAccessToken([]byte(toks[i%n].Access))
				if e != nil && e.Code != codeInvalidToken {
					t.Errorf("verify: %v", e)
					return
				}
			}
		}()
	}
	for i := 0; i < n; i += 2 {
		wantRevoke200(t, h.post(t, "/revoke_token/", "web", url.Values{"token": {toks[i].Access}}))
		if _, e := h.srv.verifyAccessToken([]byte(toks[i].Access)); e == nil {
			t.Errorf("token %d verifies after its revocation was acknowledged", i)
		}
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	for i := range toks {
		_, e := h.srv.verifyAccessToken([]byte(toks[i].Access))
		if (e == nil) != (i%2 == 1) {
			t.Errorf("token %d: %v", i, e)
		}
	}
}
