package issuer

import (
	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/valyala/fasthttp"
)

// bearerRealm is the realm of the userinfo endpoint's challenges.
const bearerRealm = "tollgate"

// handleUserinfo serves GET and POST {issuer}/userinfo/ (OpenID Connect
// Core §5.3): the claims of the access token's user, as JSON. The token
// comes in the Authorization header (RFC 6750 §2.1) or, on a POST, as the
// form parameter access_token (§2.2); never in the query. It must be a
// user's token carrying the openid scope. The answer holds sub always;
// preferred_username and name for profile; email for email.
//
// Failures follow RFC 6750 §3: no token is 401 with a bare Bearer
// challenge; a malformed request 400 invalid_request; a bad, expired,
// revoked or client-only token 401 invalid_token; a token without openid
// 403 insufficient_scope with scope="openid". Browser apps may call it
// cross-origin: it authenticates by bearer token, never by cookie.
func (b *browser) handleUserinfo(ctx *fasthttp.RequestCtx) {
	setNoStore(ctx)
	tok, ve := b.userinfoToken(ctx)
	if ve != nil || tok == nil {
		b.bearerError(ctx, ve)
		return
	}
	claims, e := b.s.verifyAccessToken(tok)
	if e != nil {
		if e.Code == CodeServerError {
			writeError(ctx, e)
			return
		}
		b.bearerError(ctx, &validator.Error{Code: validator.InvalidToken, Description: e.Description})
		return
	}
	if claims.User == nil {
		b.bearerError(ctx, &validator.Error{Code: validator.InvalidToken, Description: "not a user's token"})
		return
	}
	if !claims.HasScope(oidcScopeOpenID) {
		b.bearerError(ctx, &validator.Error{Code: validator.InsufficientScope, Description: "the openid scope is required", Scope: oidcScopeOpenID})
		return
	}
	u := claims.User
	out := append(make([]byte, 0, 256), '{')
	out = appendStringMember(out, "sub", u.ID)
	if claims.HasScope("profile") {
		out = appendStringMember(out, "preferred_username", u.Username)
		if u.Name != "" {
			out = appendStringMember(out, "name", u.Name)
		}
	}
	if claims.HasScope("email") && u.Email != "" {
		out = appendStringMember(out, "email", u.Email)
	}
	out = append(out, '}')
	writeJSON(ctx, fasthttp.StatusOK, out)
}

// userinfoToken returns the request's bearer token: nil, nil when there is
// none, invalid_request when it is malformed or sent twice.
func (b *browser) userinfoToken(ctx *fasthttp.RequestCtx) ([]byte, *validator.Error) {
	hdrs := ctx.Request.Header.PeekAll(fasthttp.HeaderAuthorization)
	if len(hdrs) > 1 {
		return nil, &validator.Error{Code: validator.InvalidRequest, Description: "more than one Authorization header"}
	}
	var tok []byte
	if len(hdrs) == 1 {
		var ve *validator.Error
		if tok, ve = validator.BearerToken(hdrs[0]); ve != nil {
			return nil, ve
		}
	}
	if !ctx.IsPost() || !isFormContentType(ctx.Request.Header.ContentType()) {
		return tok, nil
	}
	f, e := parseForm(ctx.PostBody())
	if e != nil {
		return nil, &validator.Error{Code: validator.InvalidRequest, Description: e.Description}
	}
	v, e := f.one("access_token")
	switch {
	case e != nil:
		return nil, &validator.Error{Code: validator.InvalidRequest, Description: e.Description}
	case v != "" && tok != nil:
		return nil, &validator.Error{Code: validator.InvalidRequest, Description: "more than one token"} // RFC 6750 §2
	case v != "":
		return []byte(v), nil
	}
	return tok, nil
}

// bearerError answers an RFC 6750 §3 failure: the status of its code, a
// WWW-Authenticate challenge, and the same code as a JSON body. A nil ve
// means no token was presented: 401 with a bare challenge and no body.
func (b *browser) bearerError(ctx *fasthttp.RequestCtx, ve *validator.Error) {
	ctx.Response.Header.Set(fasthttp.HeaderWWWAuthenticate, string(validator.AppendChallenge(nil, bearerRealm, ve)))
	if ve == nil {
		ctx.SetStatusCode(fasthttp.StatusUnauthorized) // no error code: §3.1
		return
	}
	writeJSON(ctx, ve.Code.Status(), appendErrorJSON(nil, &Error{Code: ve.Code.String(), Description: ve.Description}))
}
