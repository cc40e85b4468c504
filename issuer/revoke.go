package issuer

import (
	"errors"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Token type hints (RFC 7009 §2.1, RFC 7662 §2.1).
const (
	hintAccessToken  = "access_token"
	hintRefreshToken = "refresh_token"
)

// handleRevoke serves POST {issuer}/revoke_token/ (RFC 7009). The client
// authenticates as at the token endpoint (a public client with its
// client_id). token is looked up as the hint says first — an unknown hint
// is ignored (§2.1) — then as the other type:
//
//   - a valid access token (a JWT this issuer signed) of this client,
//     or one expired less than RevocationGrace ago (edges still accept it
//     within their leeway), is revoked by jti: kept in the revocation set
//     until RevocationGrace past its exp and published at /o/revoked;
//   - a refresh token of this client revokes its family and every access
//     token issued in it.
//
// Another client's token, an unknown, long expired or already revoked one
// all get 200 and change nothing (§2.2). Errors are §5.2 JSON.
func (s *Server) handleRevoke(ctx *fasthttp.RequestCtx) {
	if e := s.revokeRequest(ctx); e != nil {
		writeError(ctx, e)
		return
	}
	setNoStore(ctx)
	ctx.Response.SetStatusCode(fasthttp.StatusOK)
}

func (s *Server) revokeRequest(ctx *fasthttp.RequestCtx) *Error {
	f, e := s.postForm(ctx)
	if e != nil {
		return e
	}
	c, _, e := s.authenticateClient(ctx, &f)
	if e != nil {
		return e
	}
	if e := s.limitClient(c.ID); e != nil {
		return e
	}
	token, e := f.one("token")
	if e != nil {
		return e
	}
	hint, e := f.one("token_type_hint")
	if e != nil {
		return e
	}
	if token == "" {
		return errInvalidRequest("missing token")
	}
	now := s.cfg.Now()
	tryAccess := func() (bool, *Error) { return s.revokeAccess(c, token) }
	tryRefresh := func() (bool, *Error) { return s.revokeRefresh(c, token, now) }
	first, second := tryAccess, tryRefresh
	if hint == hintRefreshToken || !looksLikeJWS(token) {
		first, second = tryRefresh, tryAccess
	}
	found, e := first()
	if e != nil || found {
		return e
	}
	_, e = second()
	return e
}

// revokeAccess revokes token if it is a valid access token of c, and
// reports whether it was an access token of this issuer at all.
func (s *Server) revokeAccess(c *store.Client, token string) (bool, *Error) {
	if !looksLikeJWS(token) {
		return false, nil
	}
	// A token up to RevocationGrace past its exp is still revoked: edges
	// accept it within their clock leeway (at most that long).
	claims, e := s.access.verify([]byte(token), false, int64(RevocationGrace/time.Second))
	if e != nil {
		if e.Code == CodeServerError {
			return false, e
		}
		return false, nil // not ours, long expired, or already revoked: nothing to do
	}
	if claims.ClientID != c.ID || claims.JTI == "" {
		return true, nil
	}
	r := store.Revocation{JTI: claims.JTI, Exp: time.Unix(claims.Exp, 0)}
	if err := s.st.RevokeAccessTokens(r); err != nil {
		return true, s.storeFailed("revoking an access token", err)
	}
	return true, nil
}

// revokeRefresh revokes the family of token if it is a refresh token of
// c, and reports whether it was a refresh token at all.
func (s *Server) revokeRefresh(c *store.Client, token string, now time.Time) (bool, *Error) {
	fam, _, err := s.st.RefreshTokenFamily(token)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, s.storeFailed("reading a refresh token", err)
	}
	if fam.ClientID != c.ID {
		return true, nil
	}
	if err := s.st.RevokeRefreshFamily(fam.ID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
		return true, s.storeFailed("revoking a refresh family", err)
	}
	return true, nil
}

// looksLikeJWS reports whether token has the shape of a compact JWS (two
// dots); refresh tokens are base64url without dots.
func looksLikeJWS(token string) bool {
	return strings.Count(token, ".") == 2
}
