package issuer

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/tollgate/tollgate/issuer/store"
	"golang.org/x/oauth2"
)

// plantFromAuthURL plants the code the authorization endpoint would issue
// for the request in authURL (as user), and returns it.
func (h *flowHarness) plantFromAuthURL(t testing.TB, client, authURL string) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != client {
		t.Fatalf("authorization URL %s lacks S256 PKCE or the client", authURL)
	}
	now := h.clock.Now()
	code := newRefreshToken()
	if err := h.db.CreateCode(code, &store.AuthCode{ClientID: client, UserID: h.alice.ID, RedirectURI: q.Get("redirect_uri"),
		Scope: q.Get("scope"), Nonce: q.Get("nonce"), AuthTime: now, CodeChallenge: q.Get("code_challenge"),
		CodeChallengeMethod: "S256", Expires: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestOAuth2EndToEnd: golang.org/x/oauth2 and go-oidc against the server,
// unmodified: discovery, AuthCodeURL with the PKCE helpers, Exchange with
// the verifier, ID token with nonce, a refreshing TokenSource, revocation
// and introspection.
func TestOAuth2EndToEnd(t *testing.T) {
	h := newFlowHarness(t, Config{})
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, h.issuer)
	if err != nil {
		t.Fatal(err)
	}
	for _, client := range []string{"web", "spa"} {
		t.Run(client, func(t *testing.T) {
			c := h.clients[client]
			conf := oauth2.Config{ClientID: c.ID, ClientSecret: c.secret, Endpoint: provider.Endpoint(),
				RedirectURL: c.RedirectURIs[0], Scopes: []string{oidc.ScopeOpenID, "read"}}
			if c.secret == "" {
				conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
			}
			verifier := oauth2.GenerateVerifier()
			nonce := "nonce-" + client
			authURL := conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
			code := h.plantFromAuthURL(t, client, authURL)

			tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
				t.Fatalf("token = %+v", tok)
			}
			rawID, _ := tok.Extra("id_token").(string)
			idt, err := provider.Verifier(&oidc.Config{ClientID: client, Now: h.clock.Now}).Verify(ctx, rawID)
			if err != nil {
				t.Fatalf("go-oidc: %v", err)
			}
			if idt.Nonce != nonce {
				t.Errorf("nonce = %q, want %q", idt.Nonce, nonce)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			// Exchanging the code again fails.
			if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
				t.Error("second Exchange succeeded")
			}
			tok, err = conf.Exchange(ctx, h.plantFromAuthURL(t, client, authURL), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}

			// A refreshing TokenSource: the access token has expired.
			expired := *tok
			expired.Expiry = time.Now().Add(-time.Minute)
			ts := conf.TokenSource(ctx, &expired)
			fresh, err := ts.Token()
			if err != nil {
				t.Fatalf("refresh through TokenSource: %v", err)
			}
			if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken || fresh.RefreshToken == "" {
				t.Fatal("TokenSource did not refresh and rotate")
			}
			if again, _ := ts.Token(); again.AccessToken != fresh.AccessToken {
				t.Error("TokenSource refreshed a valid token")
			}
			// The rotated refresh token is spent.
			if _, err := conf.TokenSource(ctx, &expired).Token(); err == nil {
				t.Error("the rotated refresh token still works")
			} else if re, ok := err.(*oauth2.RetrieveError); !ok || re.ErrorCode != "invalid_grant" {
				t.Errorf("reuse error = %v, want invalid_grant", err)
			}

			// Revoke the now current refresh token, then introspect.
			revoker := client
			wantRevoke200(t, h.post(t, "/revoke_token/", revoker, url.Values{"token": {fresh.RefreshToken}, "token_type_hint": {"refresh_token"}}))
			if m := h.introspect(t, fresh.AccessToken, "access_token"); m["active"] != false {
				t.Errorf("access token of the revoked family: %v", m)
			}
			if _, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token(); err == nil {
				t.Error("revoked refresh token still refreshes")
			}
		})
	}
}
