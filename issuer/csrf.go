package issuer

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// CSRF protection of the browser forms (login, consent, logout) is a
// double-submit token plus an origin check:
//
//   - a random 256-bit value lives in the HttpOnly cookie csrfCookie and in
//     a hidden field of every form; a POST must carry both, equal. Another
//     site can make a browser send the cookie but cannot read it, so it
//     cannot fill in the field. Nothing server-side is stored, so the token
//     survives restarts and works behind several issuers.
//   - a POST whose Origin header (sent by every current browser) names
//     another origin, or whose Sec-Fetch-Site says cross-site, is refused
//     even with a token: that closes the cookie-injection hole of plain
//     double-submit (a sibling subdomain planting its own cookie value).
const (
	csrfCookie = "tollgate_csrf"
	csrfField  = "csrf_token"
	csrfBytes  = 32
)

// csrfToken returns the browser's CSRF token, issuing a fresh cookie when
// the request carries none or a malformed one.
func (b *browser) csrfToken(ctx *fasthttp.RequestCtx) string {
	if v := ctx.Request.Header.Cookie(csrfCookie); validRandomToken(v) {
		return string(v)
	}
	var r [csrfBytes]byte
	_, _ = rand.Read(r[:]) // never fails (Go ≥ 1.24 crashes rather than return short)
	tok := base64.RawURLEncoding.EncodeToString(r[:])
	b.setCookie(ctx, csrfCookie, tok)
	return tok
}

// checkCSRF reports whether a form POST is same-origin and carries the
// token of its csrfCookie.
func (b *browser) checkCSRF(ctx *fasthttp.RequestCtx, f *form) bool {
	if o := ctx.Request.Header.Peek("Origin"); len(o) > 0 && string(o) != b.origin {
		return false
	}
	if sfs := ctx.Request.Header.Peek("Sec-Fetch-Site"); string(sfs) == "cross-site" || string(sfs) == "same-site" {
		return false
	}
	cookie := ctx.Request.Header.Cookie(csrfCookie)
	field, e := f.one(csrfField)
	if e != nil || !validRandomToken(cookie) || len(field) != len(cookie) {
		return false
	}
	return subtle.ConstantTimeCompare(cookie, []byte(field)) == 1
}

// validRandomToken reports whether v looks like one of our 256-bit random
// values: 43 base64url characters.
func validRandomToken(v []byte) bool {
	if len(v) != base64.RawURLEncoding.EncodedLen(csrfBytes) {
		return false
	}
	for _, c := range v {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// setCookie sets an HttpOnly, SameSite=Lax cookie scoped to the issuer's
// path, Secure when the issuer is https. It lives as long as the browser
// session; the server enforces its own expiry.
func (b *browser) setCookie(ctx *fasthttp.RequestCtx, name, value string) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	c.SetValue(value)
	c.SetPath(b.cookiePath)
	c.SetHTTPOnly(true)
	c.SetSecure(b.secure)
	c.SetSameSite(fasthttp.CookieSameSiteLaxMode)
	ctx.Response.Header.SetCookie(c)
}

// clearCookie tells the browser to drop a cookie.
func (b *browser) clearCookie(ctx *fasthttp.RequestCtx, name string) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	c.SetValue("")
	c.SetPath(b.cookiePath)
	c.SetHTTPOnly(true)
	c.SetSecure(b.secure)
	c.SetSameSite(fasthttp.CookieSameSiteLaxMode)
	c.SetMaxAge(-1)
	ctx.Response.Header.SetCookie(c)
}

// issuerOrigin returns the scheme://host[:port] of the issuer URL, which
// same-origin POSTs carry in their Origin header, serialized as browsers
// do (RFC 6454 §6.2): scheme and host in lower case, the scheme's default
// port left out.
func issuerOrigin(iss string) string {
	u, _ := url.Parse(iss) // checked by Config.withDefaults
	return store.SerializeOrigin(u)
}
