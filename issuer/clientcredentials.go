package issuer

import (
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// clientCredentials carries out the client_credentials grant (RFC 6749
// §4.4) for an authenticated client: only a confidential client that
// authenticated with its secret and is allowed the grant gets a token, for
// the requested subset of its scopes (all of them by default). The token's
// subject is the client itself. Nothing is stored.
func clientCredentials(s *Server, ctx *fasthttp.RequestCtx, f *form, c *store.Client, method string) *Error {
	if c.Type != store.Confidential || method == authNone {
		return &Error{Code: CodeUnauthorizedClient, Description: "client_credentials requires a confidential client"}
	}
	if !c.AllowsGrant(store.GrantClientCredentials) {
		return &Error{Code: CodeUnauthorizedClient, Description: "client is not allowed the client_credentials grant"}
	}
	requested, e := f.one("scope")
	if e != nil {
		return e
	}
	scope, e := grantScope(requested, c.Scopes)
	if e != nil {
		return e
	}
	t := accessToken{
		issuer:   s.cfg.Issuer,
		subject:  c.ID,
		audience: s.audience(c),
		clientID: c.ID,
		scope:    scope,
		issued:   s.cfg.Now(),
		ttl:      s.accessTokenTTL(c),
	}
	return s.issueAccessToken(ctx, &t, s.signingAlg(c))
}

// audience returns the aud of c's access tokens.
func (s *Server) audience(c *store.Client) []string {
	if len(c.Audience) > 0 {
		return c.Audience
	}
	return s.cfg.Audience
}

// signingAlg returns the JWS algorithm of c's access tokens.
func (s *Server) signingAlg(c *store.Client) string {
	if c.SigningAlg != "" {
		return c.SigningAlg
	}
	return s.cfg.SigningAlg
}

// accessTokenTTL returns c's access-token lifetime in whole seconds, capped
// at MaxAccessTokenTTL.
func (s *Server) accessTokenTTL(c *store.Client) time.Duration {
	ttl := s.cfg.AccessTokenTTL
	if c.AccessTokenTTL >= time.Second {
		ttl = min(c.AccessTokenTTL, s.cfg.MaxAccessTokenTTL)
	}
	return ttl.Truncate(time.Second)
}
