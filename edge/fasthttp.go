package edge

import (
	"github.com/tollgate/tollgate/internal/xauth"
	"github.com/valyala/fasthttp"
)

// FastHTTP returns fasthttp middleware with the behaviour of [Host.Handler].
// Routes match on the path as sent (ctx.URI().PathOriginal(), before
// fasthttp decodes and normalises it), which the core checks for canonical
// form; a handler that forwards the request should forward that same path
// (fasthttp.HostClient.DisablePathNormalizing). On the cached path the
// middleware allocates nothing.
func (h *Host) FastHTTP(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		hdr := &ctx.Request.Header
		stripAuthHeadersFast(hdr)
		d := decisions.Get().(*Decision)
		defer decisions.Put(d)

		if auths := hdr.PeekAll(fasthttp.HeaderAuthorization); len(auths) > 1 {
			d.deny(InvalidRequest, "malformed authorization header")
			h.metrics.observe(d, 0)
		} else {
			var auth []byte
			if len(auths) == 1 {
				auth = auths[0]
			}
			if err := h.Authorize(ctx, auth, ctx.Method(), ctx.URI().PathOriginal(), d); err != nil {
				ctx.Error("authorization unavailable", fasthttp.StatusServiceUnavailable)
				return
			}
		}
		if d.Verdict != Allow {
			ctx.Response.Reset()
			ctx.SetStatusCode(d.Verdict.Status())
			d.in = d.AppendChallenge(d.in[:0], h.realm)
			ctx.Response.Header.SetBytesV("WWW-Authenticate", d.in)
			return
		}
		hdr.SetBytesV(HeaderSubject, d.Subject)
		hdr.SetBytesV(HeaderClientID, d.ClientID)
		hdr.SetBytesV(HeaderScope, d.Scope)
		next(ctx)
	}
}

// stripAuthHeadersFast removes every X-Auth-* request field (any spelling
// xauth.IsField accepts), in the header section and in the trailer section
// (xauth.StripTrailers). fasthttp forbids deleting while iterating, so it
// finds one, deletes it, and repeats.
func stripAuthHeadersFast(hdr *fasthttp.RequestHeader) {
	var key [64]byte
	for {
		var found []byte
		for k := range hdr.All() {
			if xauth.IsField(k) {
				found = append(key[:0], k...)
				break
			}
		}
		if found == nil {
			break
		}
		hdr.DelBytes(found)
	}
	xauth.StripTrailers(hdr)
}
