package issuer

import (
	"errors"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// refreshToken carries out the refresh_token grant (RFC 6749 §6) with
// rotation (RFC 9700 §4.14.2) for an authenticated client:
//
//   - the token must belong to this client (another client's gets
//     invalid_grant and changes nothing), to a family neither revoked nor
//     past its absolute lifetime, and be unused past its idle lifetime;
//   - it must be the family's current token: presenting a rotated one is a
//     reuse, which revokes the family and the access tokens issued in it;
//   - scope may narrow the original grant (each token must be in it),
//     never widen it: invalid_scope. The new refresh token keeps the
//     family's full scope (§6). Scopes the client is no longer allowed
//     (issuer client settings changed since) are dropped from the access
//     token, and requesting one is invalid_scope.
//
// Each success returns a new refresh token; the old one is spent. The
// compare-and-bump of the family's generation is one store transaction,
// so of concurrent refreshes of one token exactly one wins, and the
// others, arriving with a token no longer current, count as reuse.
func refreshToken(s *Server, ctx *fasthttp.RequestCtx, f *form, c *store.Client, _ string) *Error {
	if !c.AllowsGrant(store.GrantRefreshToken) {
		return &Error{Code: CodeUnauthorizedClient, Description: "client is not allowed the refresh_token grant"}
	}
	token, e := f.one("refresh_token")
	if e != nil {
		return e
	}
	requested, e := f.one("scope")
	if e != nil {
		return e
	}
	if token == "" {
		return errInvalidRequest("missing refresh_token")
	}
	now := s.cfg.Now()
	fam, gen, err := s.st.RefreshTokenFamily(token)
	if errors.Is(err, store.ErrNotFound) {
		return errInvalidGrant("unknown refresh token")
	}
	if err != nil {
		return s.storeFailed("reading a refresh token", err)
	}
	switch {
	case fam.ClientID != c.ID:
		return errInvalidGrant("refresh token was issued to another client")
	case fam.Revoked:
		return errInvalidGrant("refresh token revoked")
	case gen != fam.Generation:
		if err := s.st.RevokeRefreshFamily(fam.ID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			return s.storeFailed("revoking a refresh family", err)
		}
		return errInvalidGrant("refresh token already used; its family is revoked")
	case !now.Before(fam.Expires) || !now.Before(fam.IdleExpires):
		return errInvalidGrant("refresh token expired")
	}
	// The client's allowed scopes may have shrunk since the grant: what
	// the admin took away is gone from every later access token too.
	granted := stillAllowed(c, strings.Fields(fam.Scope))
	scope := strings.Join(granted, " ")
	if requested != "" {
		if scope, e = grantScope(requested, granted); e != nil {
			return e
		}
	} else if scope == "" && fam.Scope != "" {
		return errInvalidScope("no scope of the grant is still allowed for this client")
	}
	u, e := s.grantUser(fam.UserID)
	if e != nil {
		return e
	}
	g := userGrant{client: c, user: u, scope: scope, authTime: fam.AuthTime}
	resp, access, e := s.mintUserTokens(&g)
	if e != nil {
		return e
	}
	resp.refresh = newRefreshToken()
	_, err = s.st.RotateRefresh(token, &store.Rotation{
		ClientID: c.ID, Now: now, Next: resp.refresh, IdleTTL: s.cfg.Flows.RefreshIdleTTL, Access: access,
	})
	switch {
	case err == nil:
	case errors.Is(err, store.ErrReplay):
		return errInvalidGrant("refresh token already used; its family is revoked")
	case errors.Is(err, store.ErrRevoked):
		return errInvalidGrant("refresh token revoked")
	case errors.Is(err, store.ErrExpired):
		return errInvalidGrant("refresh token expired")
	case errors.Is(err, store.ErrNotFound):
		return errInvalidGrant("unknown refresh token")
	default:
		return s.storeFailed("rotating a refresh token", err)
	}
	writeTokenResponse(ctx, resp)
	return nil
}
