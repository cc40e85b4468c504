package issuer

import (
	"slices"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// CORS modes of a route: who may read its answers from a script on another
// origin. No route allows credentials (cookies), so a cross-origin script
// only ever acts with what it already holds: a client's credentials or a
// bearer token.
const (
	corsNone   = iota // browser pages: same origin only
	corsPublic        // public documents and bearer-token endpoints: any origin ("*")
	corsClient        // token, revocation, introspection: the origins the authenticated client lists
)

// corsPreflightMaxAge is how long a browser may cache a preflight answer.
const corsPreflightMaxAge = "600"

// cors sets the CORS headers of route r's answer and answers a preflight
// itself, reporting whether it did. A preflight of a corsClient route is
// granted to any origin: it carries no client identity, and granting it
// lets a script send what it could send from anywhere else; whether the
// script may read the answer is decided after authentication (allowOrigin).
//
// A corsPublic answer always carries "Access-Control-Allow-Origin: *",
// Origin or not, so a shared cache that ignores Origin still serves every
// browser an answer it may read.
func (s *Server) cors(ctx *fasthttp.RequestCtx, r *route) bool {
	h := &ctx.Response.Header
	if r.cors == corsPublic {
		h.Set(fasthttp.HeaderAccessControlAllowOrigin, "*")
		h.Set(fasthttp.HeaderAccessControlExposeHeaders, "WWW-Authenticate, ETag")
	}
	origin := ctx.Request.Header.Peek(fasthttp.HeaderOrigin)
	if r.cors == corsNone || len(origin) == 0 {
		return false
	}
	if !ctx.IsOptions() || len(ctx.Request.Header.Peek(fasthttp.HeaderAccessControlRequestMethod)) == 0 {
		return false
	}
	if r.cors == corsClient {
		echoOrigin(h, origin)
	}
	h.Set(fasthttp.HeaderAccessControlAllowMethods, r.allow)
	h.Set(fasthttp.HeaderAccessControlAllowHeaders, "Authorization, Content-Type, If-None-Match")
	h.Set(fasthttp.HeaderAccessControlMaxAge, corsPreflightMaxAge)
	ctx.SetStatusCode(fasthttp.StatusNoContent)
	return true
}

// allowOrigin lets the request's origin read this answer if the
// authenticated client c lists it (store.Client.AllowedOrigins).
func allowOrigin(ctx *fasthttp.RequestCtx, c *store.Client) {
	origin := ctx.Request.Header.Peek(fasthttp.HeaderOrigin)
	if len(origin) == 0 || len(c.AllowedOrigins) == 0 || !slices.Contains(c.AllowedOrigins, string(origin)) {
		return
	}
	h := &ctx.Response.Header
	echoOrigin(h, origin)
	h.Set(fasthttp.HeaderAccessControlExposeHeaders, "WWW-Authenticate, Retry-After")
}

// echoOrigin allows exactly origin, in an answer that varies by Origin.
func echoOrigin(h *fasthttp.ResponseHeader, origin []byte) {
	h.SetBytesV(fasthttp.HeaderAccessControlAllowOrigin, origin)
	h.Add(fasthttp.HeaderVary, fasthttp.HeaderOrigin)
}
