package issuer

import (
	"bytes"
	"strconv"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// grantFunc carries out one grant type for an authenticated client, writing
// the §5.1 response itself or returning the §5.2 error to write.
type grantFunc func(s *Server, ctx *fasthttp.RequestCtx, f *form, c *store.Client, method string) *Error

const formContentType = "application/x-www-form-urlencoded"

// handleToken serves POST {issuer}/token/ (RFC 6749 §3.2). In order: the
// per-address rate limit, the request's shape (content type, size, strict
// form encoding), grant_type, client authentication, the per-client rate
// limit, then the grant itself.
func (s *Server) handleToken(ctx *fasthttp.RequestCtx) {
	if e := s.tokenRequest(ctx); e != nil {
		writeError(ctx, e)
	}
}

func (s *Server) tokenRequest(ctx *fasthttp.RequestCtx) *Error {
	f, e := s.postForm(ctx)
	if e != nil {
		return e
	}
	gt, e := f.one("grant_type")
	if e != nil {
		return e
	}
	if gt == "" {
		return errInvalidRequest("missing grant_type")
	}
	grant := s.grants[gt]
	if grant == nil {
		return &Error{Code: CodeUnsupportedGrantType, Description: "unsupported grant_type"}
	}
	c, method, e := s.authenticateClient(ctx, &f)
	if e != nil {
		return e
	}
	if e := s.limitClient(c.ID); e != nil {
		return e
	}
	if e := grant(s, ctx, &f, c, method); e != nil {
		return e
	}
	s.metrics.tokens[gt].Add(1)
	return nil
}

// postForm applies the per-address rate limit and reads the form body of a
// POST to the token, revocation or introspection endpoint: the right
// content type, within MaxBodyBytes, strictly encoded, and no
// client_secret in the URI.
func (s *Server) postForm(ctx *fasthttp.RequestCtx) (form, *Error) {
	if e := s.limitAddr(ctx); e != nil {
		return form{}, e
	}
	if !isFormContentType(ctx.Request.Header.ContentType()) {
		return form{}, errInvalidRequest("Content-Type must be " + formContentType)
	}
	body := ctx.PostBody()
	if len(body) > s.cfg.MaxBodyBytes {
		return form{}, &Error{Code: CodeInvalidRequest, Description: "request body too large", Status: fasthttp.StatusRequestEntityTooLarge}
	}
	if len(ctx.URI().QueryString()) > 0 && ctx.QueryArgs().Has("client_secret") {
		return form{}, errInvalidRequest("client_secret must not be sent in the URI")
	}
	return parseForm(body)
}

// isFormContentType reports whether a Content-Type names
// application/x-www-form-urlencoded, parameters aside.
func isFormContentType(ct []byte) bool {
	mt, _, _ := bytes.Cut(ct, []byte(";"))
	return bytes.EqualFold(bytes.TrimSpace(mt), []byte(formContentType))
}

// issueAccessToken signs t with alg and writes the RFC 6749 §5.1 response.
func (s *Server) issueAccessToken(ctx *fasthttp.RequestCtx, t *accessToken, alg string) *Error {
	buf := getBuf()
	defer putBuf(buf)
	*buf = t.appendClaims(*buf)
	tok, _, err := s.signer.Sign(alg, typAccessToken, *buf)
	if err == nil && !isCompactJWS(tok) {
		err = errMalformedJWS
	}
	if err != nil {
		s.log.Error("issuer: signing access token", "alg", alg, "client_id", t.clientID, "err", err)
		return errServer("cannot sign the access token")
	}
	b := append((*buf)[:0], `{"access_token":"`...)
	b = append(b, tok...) // checked: nothing to escape
	b = append(b, `","token_type":"Bearer","expires_in":`...)
	b = strconv.AppendInt(b, int64(t.ttl.Seconds()), 10)
	if t.scope != "" {
		b = appendStringMember(b, "scope", t.scope)
	}
	b = append(b, '}')
	*buf = b
	setNoStore(ctx)
	writeJSON(ctx, fasthttp.StatusOK, b)
	return nil
}

// signAccessToken signs t with alg: the compact JWS of its claims. t.jti
// should be set when the caller records it.
func (s *Server) signAccessToken(t *accessToken, alg string) ([]byte, *Error) {
	buf := getBuf()
	defer putBuf(buf)
	*buf = t.appendClaims(*buf)
	tok, _, err := s.signer.Sign(alg, typAccessToken, *buf)
	if err == nil && !isCompactJWS(tok) {
		err = errMalformedJWS
	}
	if err != nil {
		s.log.Error("issuer: signing access token", "alg", alg, "client_id", t.clientID, "err", err)
		return nil, errServer("cannot sign the access token")
	}
	return tok, nil
}

// tokenResponse is an RFC 6749 §5.1 success response of the user flows.
type tokenResponse struct {
	access  []byte        // compact JWS
	ttl     time.Duration // expires_in
	scope   string
	refresh string // opaque; "" when none is issued
	idToken []byte // compact JWS; nil when none is issued
}

// writeTokenResponse writes r as JSON, uncacheable. Tokens are base64url
// and dots (checked at signing, generated for refresh tokens), so they go
// in unescaped.
func writeTokenResponse(ctx *fasthttp.RequestCtx, r *tokenResponse) {
	buf := getBuf()
	defer putBuf(buf)
	b := append((*buf)[:0], `{"access_token":"`...)
	b = append(b, r.access...)
	b = append(b, `","token_type":"Bearer","expires_in":`...)
	b = strconv.AppendInt(b, int64(r.ttl/time.Second), 10)
	if r.scope != "" {
		b = appendStringMember(b, "scope", r.scope)
	}
	if r.refresh != "" {
		b = appendStringMember(b, "refresh_token", r.refresh)
	}
	if r.idToken != nil {
		b = append(b, `,"id_token":"`...)
		b = append(b, r.idToken...)
		b = append(b, '"')
	}
	b = append(b, '}')
	*buf = b
	setNoStore(ctx)
	writeJSON(ctx, fasthttp.StatusOK, b)
}

// isCompactJWS reports whether tok looks like a compact JWS: base64url
// characters and exactly two dots. It guards the response JSON, which
// embeds tok unescaped.
func isCompactJWS(tok []byte) bool {
	dots := 0
	for _, c := range tok {
		switch {
		case c == '.':
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return dots == 2
}
