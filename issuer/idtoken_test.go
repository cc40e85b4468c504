package issuer

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// TestIDTokenGoOIDC: go-oidc finds the issuer by discovery and verifies
// the ID token of a code exchange: signature, iss, aud, exp, the nonce and
// at_hash; per-client algorithms RS256 (default), ES256 and EdDSA.
func TestIDTokenGoOIDC(t *testing.T) {
	h := newFlowHarness(t, Config{})
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, h.issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	for _, tt := range []struct{ client, alg string }{{"web", "RS256"}, {"es256id", "ES256"}, {"edid", "EdDSA"}} {
		t.Run(tt.client, func(t *testing.T) {
			tk := h.redeem(t, codeOpts{client: tt.client, scope: "openid profile", nonce: "n-0S6_WzA2Mj"})
			if alg := headerOf(t, tk.IDToken)["alg"]; alg != tt.alg {
				t.Fatalf("alg = %v, want %s", alg, tt.alg)
			}
			v := provider.Verifier(&oidc.Config{ClientID: tt.client, Now: h.clock.Now})
			idt, err := v.Verify(ctx, tk.IDToken)
			if err != nil {
				t.Fatalf("go-oidc Verify: %v", err)
			}
			if idt.Nonce != "n-0S6_WzA2Mj" || idt.Subject != h.alice.ID || idt.Issuer != h.issuer {
				t.Errorf("nonce %q sub %q iss %q", idt.Nonce, idt.Subject, idt.Issuer)
			}
			if err := idt.VerifyAccessToken(tk.Access); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			var c struct {
				AuthTime int64 `json:"auth_time"`
				Azp      string
			}
			if err := idt.Claims(&c); err != nil || c.AuthTime != h.clock.Now().Add(-time.Minute).Unix() {
				t.Errorf("auth_time = %d, %v", c.AuthTime, err)
			}
			if _, err := provider.Verifier(&oidc.Config{ClientID: "other", Now: h.clock.Now}).Verify(ctx, tk.IDToken); err == nil {
				t.Error("ID token accepted for another audience")
			}
		})
	}
}

// TestIDTokenClaims: exactly the OIDC Core claims; nonce only when the
// request had one; c_hash of a code when given, hashed per alg.
func TestIDTokenClaims(t *testing.T) {
	h := newFlowHarness(t, Config{})
	web, ed := h.clients["web"].Client, h.clients["edid"].Client
	authTime := h.clock.Now().Add(-time.Hour)
	tok, e := h.srv.mintIDToken(web, h.alice, authTime, "", []byte("AT"), []byte("CODE"))
	if e != nil {
		t.Fatal(e)
	}
	c := claimsOf(t, string(tok))
	half := func(sum []byte) string { return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]) }
	at, code := sha256.Sum256([]byte("AT")), sha256.Sum256([]byte("CODE"))
	for k, want := range map[string]any{"iss": h.issuer, "sub": h.alice.ID, "aud": "web", "at_hash": half(at[:]), "c_hash": half(code[:])} {
		if c[k] != want {
			t.Errorf("%s = %v, want %v", k, c[k], want)
		}
	}
	if _, ok := c["nonce"]; ok {
		t.Error("nonce present though the request had none")
	}
	if len(c) != 8 { // iss sub aud exp iat auth_time at_hash c_hash
		t.Errorf("claims = %v", c)
	}
	tok, e = h.srv.mintIDToken(ed, h.alice, time.Time{}, "n", nil, []byte("CODE"))
	if e != nil {
		t.Fatal(e)
	}
	c = claimsOf(t, string(tok))
	code512 := sha512.Sum512([]byte("CODE"))
	if c["c_hash"] != half(code512[:]) || c["at_hash"] != nil || c["auth_time"] != nil || c["nonce"] != "n" {
		t.Errorf("EdDSA claims = %v", c)
	}
	// An alg the ring has no key for is a server error, not a panic.
	bad := *web
	bad.IDTokenSignedResponseAlg = "PS256"
	if _, e := h.srv.mintIDToken(&bad, h.alice, authTime, "", nil, nil); e == nil || e.Code != CodeServerError {
		t.Errorf("PS256 without a key: %v", e)
	}
}
