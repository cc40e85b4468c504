package issuer

import (
	"errors"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/valyala/fasthttp"
)

// scopeIntrospection lets an access token call the introspection endpoint.
const scopeIntrospection = "introspection"

// inactive is the whole answer for a token that is not active (RFC 7662
// §2.2): nothing else, so the endpoint reveals nothing about it.
var inactive = []byte(`{"active":false}`)

// handleIntrospect serves POST {issuer}/introspect/ (RFC 7662). The caller
// is a confidential client authenticating as at the token endpoint, or
// presents "Authorization: Bearer" with a valid access token of this
// issuer whose scope holds "introspection" (else 401 with a Bearer
// challenge, §2.3). token is looked up as the hint says first, then as the
// other type:
//
//   - an active access token answers active, scope, client_id, username
//     (for a user's token), token_type "Bearer", exp, iat, nbf, sub, aud,
//     iss and jti;
//   - a refresh token, only to the client it was issued to, answers
//     active, scope, client_id, username, token_type "refresh_token", exp
//     (the earlier of its idle and absolute ends), iat (when it was
//     issued), sub and iss, if it is its family's current token and
//     neither revoked nor expired.
//
// Anything else is exactly {"active":false}. Answers are never cached.
func (s *Server) handleIntrospect(ctx *fasthttp.RequestCtx) {
	body, e := s.introspectRequest(ctx)
	if e != nil {
		writeError(ctx, e)
		if e.Code == codeInvalidToken || e.Code == codeInsufficientScope {
			ctx.Response.Header.Set(fasthttp.HeaderWWWAuthenticate, bearerChallenge(e))
		}
		return
	}
	setNoStore(ctx)
	writeJSON(ctx, fasthttp.StatusOK, body)
}

// codeInsufficientScope is RFC 6750 §3.1's code for a token lacking scope.
const codeInsufficientScope = "insufficient_scope"

func (s *Server) introspectRequest(ctx *fasthttp.RequestCtx) ([]byte, *Error) {
	f, e := s.postForm(ctx)
	if e != nil {
		return nil, e
	}
	callerID, e := s.introspectionCaller(ctx, &f)
	if e != nil {
		return nil, e
	}
	if e := s.limitClient(callerID); e != nil {
		return nil, e
	}
	token, e := f.one("token")
	if e != nil {
		return nil, e
	}
	hint, e := f.one("token_type_hint")
	if e != nil {
		return nil, e
	}
	if token == "" {
		return nil, errInvalidRequest("missing token")
	}
	asAccess := func() ([]byte, *Error) { return s.introspectAccess(token) }
	asRefresh := func() ([]byte, *Error) { return s.introspectRefresh(callerID, token) }
	first, second := asAccess, asRefresh
	if hint == hintRefreshToken || !looksLikeJWS(token) {
		first, second = asRefresh, asAccess
	}
	if body, e := first(); body != nil || e != nil {
		return body, e
	}
	if body, e := second(); body != nil || e != nil {
		return body, e
	}
	return inactive, nil
}

// introspectionCaller authenticates the caller and returns its client id.
func (s *Server) introspectionCaller(ctx *fasthttp.RequestCtx, f *form) (string, *Error) {
	h := ctx.Request.Header.Peek(fasthttp.HeaderAuthorization)
	tok, berr := validator.BearerToken(h)
	if berr != nil {
		return "", &Error{Code: CodeInvalidRequest, Description: berr.Description}
	}
	if tok != nil {
		if len(ctx.Request.Header.PeekAll(fasthttp.HeaderAuthorization)) > 1 {
			return "", errInvalidRequest("more than one Authorization header")
		}
		claims, e := s.verifyAccessToken(tok)
		if e != nil {
			return "", e
		}
		if !claims.HasScope(scopeIntrospection) {
			return "", &Error{Code: codeInsufficientScope, Description: "token lacks the introspection scope", Status: fasthttp.StatusUnauthorized}
		}
		return claims.ClientID, nil
	}
	c, method, e := s.authenticateClient(ctx, f)
	if e != nil {
		return "", e
	}
	if method == authNone {
		return "", errInvalidClient("introspection requires client authentication")
	}
	return c.ID, nil
}

// introspectAccess answers for token as an access token, or nil when it is
// not an active one.
func (s *Server) introspectAccess(token string) ([]byte, *Error) {
	if !looksLikeJWS(token) {
		return nil, nil
	}
	c, e := s.verifyAccessToken([]byte(token))
	if e != nil {
		if e.Code == CodeServerError {
			return nil, e
		}
		return nil, nil
	}
	b := []byte(`{"active":true`)
	if c.Scope != "" {
		b = appendStringMember(b, "scope", c.Scope)
	}
	b = appendStringMember(b, "client_id", c.ClientID)
	if u := c.Username(); u != "" {
		b = appendStringMember(b, "username", u)
	}
	b = appendStringMember(b, "token_type", "Bearer")
	b = appendIntMember(b, "exp", c.Exp)
	b = appendIntMember(b, "iat", c.Iat)
	b = appendIntMember(b, "nbf", c.Nbf)
	b = appendStringMember(b, "sub", c.Subject)
	b = appendJSONStringOrArray(appendMember(b, "aud"), c.Audience)
	b = appendStringMember(b, "iss", c.Issuer)
	b = appendStringMember(b, "jti", c.JTI)
	return append(b, '}'), nil
}

// introspectRefresh answers for token as a refresh token of callerID, or
// nil when it is not an active one.
func (s *Server) introspectRefresh(callerID, token string) ([]byte, *Error) {
	fam, gen, err := s.st.RefreshTokenFamily(token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, s.storeFailed("reading a refresh token", err)
	}
	now := s.cfg.Now()
	if fam.ClientID != callerID || fam.Revoked || gen != fam.Generation ||
		!now.Before(fam.Expires) || !now.Before(fam.IdleExpires) {
		return inactive, nil
	}
	u, err := s.st.User(fam.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return inactive, nil
	}
	if err != nil {
		return nil, s.storeFailed("reading a user", err)
	}
	exp := fam.Expires
	if fam.IdleExpires.Before(exp) {
		exp = fam.IdleExpires
	}
	b := []byte(`{"active":true`)
	if fam.Scope != "" {
		b = appendStringMember(b, "scope", fam.Scope)
	}
	b = appendStringMember(b, "client_id", fam.ClientID)
	b = appendStringMember(b, "username", u.Username)
	b = appendStringMember(b, "token_type", hintRefreshToken)
	b = appendIntMember(b, "exp", exp.Unix())
	b = appendIntMember(b, "iat", fam.LastUsed.Unix())
	b = appendStringMember(b, "sub", fam.UserID)
	b = appendStringMember(b, "iss", s.cfg.Issuer)
	return append(b, '}'), nil
}

// bearerChallenge is the WWW-Authenticate value for a failed bearer
// token (RFC 6750 §3).
func bearerChallenge(e *Error) string {
	c := `Bearer realm="tollgate", error="` + e.Code + `", error_description="` + sanitizeErrorText(e.Description) + `"`
	if e.Code == codeInsufficientScope {
		c += `, scope="` + scopeIntrospection + `"`
	}
	return c
}
