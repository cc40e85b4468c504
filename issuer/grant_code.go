package issuer

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// PKCE code challenge methods (RFC 7636 §4.2).
const (
	pkceS256  = "S256"
	pkcePlain = "plain"
)

// authorizationCode carries out the authorization_code grant (RFC 6749
// §4.1.3) with PKCE (RFC 7636) for an authenticated client:
//
//   - the code must exist, be unexpired, unredeemed and issued to this
//     client; a second exchange is a replay: invalid_grant, and every
//     token issued from the code is revoked (RFC 6749 §4.1.2);
//   - redirect_uri must equal, byte for byte, the one of the authorization
//     request, and be absent only if that request had none;
//   - a code with a challenge needs a verifier (43-128 unreserved
//     characters, RFC 7636 §4.1) that matches it by the code's method,
//     S256 or, only when the code says so, plain; a verifier sent for a
//     code without a challenge is a PKCE downgrade; a public client's code
//     must have a challenge.
//
// Every failure about the code is invalid_grant. The response carries an
// access token, a refresh token when the client is allowed the
// refresh_token grant, and an ID token when the scope has openid. The
// code's redemption and the new refresh family are one transaction,
// committed before the response.
func authorizationCode(s *Server, ctx *fasthttp.RequestCtx, f *form, c *store.Client, _ string) *Error {
	if !c.AllowsGrant(store.GrantAuthorizationCode) {
		return &Error{Code: CodeUnauthorizedClient, Description: "client is not allowed the authorization_code grant"}
	}
	code, e := f.one("code")
	if e != nil {
		return e
	}
	redirectURI, e := f.one("redirect_uri")
	if e != nil {
		return e
	}
	verifier, e := f.one("code_verifier")
	if e != nil {
		return e
	}
	if code == "" {
		return errInvalidRequest("missing code")
	}
	now := s.cfg.Now()
	rec, err := s.st.Code(code)
	if errors.Is(err, store.ErrNotFound) {
		return errInvalidGrant("unknown authorization code")
	}
	if err != nil {
		return s.storeFailed("reading an authorization code", err)
	}
	if rec.Redeemed {
		return s.redeemError(s.st.RedeemCode(code, &store.Redemption{Now: now}))
	}
	switch {
	case rec.ClientID != c.ID:
		return errInvalidGrant("authorization code was issued to another client")
	case !now.Before(rec.Expires):
		return errInvalidGrant("authorization code expired")
	case redirectURI != rec.RedirectURI:
		return errInvalidGrant("redirect_uri does not match the authorization request")
	}
	if e := checkPKCE(rec, c, verifier); e != nil {
		return e
	}
	u, e := s.grantUser(rec.UserID)
	if e != nil {
		return e
	}
	g := userGrant{client: c, user: u, scope: rec.Scope, authTime: rec.AuthTime, nonce: rec.Nonce}
	resp, access, e := s.mintUserTokens(&g)
	if e != nil {
		return e
	}
	red := store.Redemption{Now: now, Access: access}
	if c.AllowsGrant(store.GrantRefreshToken) {
		red.RefreshToken = newRefreshToken()
		red.Family = s.newFamily(&g, now)
		resp.refresh = red.RefreshToken
	}
	if e := s.redeemError(s.st.RedeemCode(code, &red)); e != nil {
		return e
	}
	writeTokenResponse(ctx, resp)
	return nil
}

// redeemError maps RedeemCode's result to the token endpoint's.
func (s *Server) redeemError(err error) *Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrReplay):
		return errInvalidGrant("authorization code already used; the tokens issued from it are revoked")
	case errors.Is(err, store.ErrExpired):
		return errInvalidGrant("authorization code expired")
	case errors.Is(err, store.ErrNotFound):
		return errInvalidGrant("unknown authorization code")
	}
	return s.storeFailed("redeeming an authorization code", err)
}

// checkPKCE applies RFC 7636 §4.6 to a code exchange.
func checkPKCE(rec *store.AuthCode, c *store.Client, verifier string) *Error {
	if rec.CodeChallenge == "" {
		switch {
		case verifier != "":
			return errInvalidGrant("code_verifier sent for a code without code_challenge")
		case c.Type == store.Public:
			return errInvalidGrant("a public client must use PKCE")
		}
		return nil
	}
	if verifier == "" {
		return errInvalidGrant("missing code_verifier")
	}
	if !validVerifier(verifier) {
		return errInvalidGrant("malformed code_verifier")
	}
	var ok bool
	switch rec.CodeChallengeMethod {
	case pkceS256:
		sum := sha256.Sum256([]byte(verifier))
		want := base64.RawURLEncoding.EncodeToString(sum[:])
		ok = subtle.ConstantTimeCompare([]byte(want), []byte(rec.CodeChallenge)) == 1
	case pkcePlain:
		ok = subtle.ConstantTimeCompare([]byte(verifier), []byte(rec.CodeChallenge)) == 1
	}
	if !ok {
		return errInvalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// validVerifier reports whether v is a code_verifier of RFC 7636 §4.1:
// 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}
