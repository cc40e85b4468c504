package issuer

import (
	"strconv"

	"github.com/valyala/fasthttp"
)

const contentTypeJSON = "application/json;charset=UTF-8"

// setNoStore marks a response as never to be cached (RFC 6749 §5.1).
func setNoStore(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set(fasthttp.HeaderCacheControl, "no-store")
	h.Set(fasthttp.HeaderPragma, "no-cache")
}

// writeJSON answers status with a JSON body. body is copied.
func writeJSON(ctx *fasthttp.RequestCtx, status int, body []byte) {
	ctx.Response.SetStatusCode(status)
	ctx.Response.Header.SetContentType(contentTypeJSON)
	ctx.Response.Header.Set("X-Content-Type-Options", "nosniff")
	ctx.Response.SetBody(body)
}

// writeError answers e as RFC 6749 §5.2 JSON, uncacheable, with
// WWW-Authenticate on a 401 and Retry-After when e carries one.
func writeError(ctx *fasthttp.RequestCtx, e *Error) {
	status := e.status()
	setNoStore(ctx)
	if status == fasthttp.StatusUnauthorized {
		ctx.Response.Header.Set(fasthttp.HeaderWWWAuthenticate, basicChallenge)
	}
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set(fasthttp.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
	}
	writeJSON(ctx, status, appendErrorJSON(make([]byte, 0, 128), e))
}

// appendErrorJSON appends the §5.2 object for e. The description and URI
// are cut down to the characters §5.2 allows (%x20-21 / %x23-5B / %x5D-7E
// for the description, §5.2's URI-reference set for the URI).
func appendErrorJSON(dst []byte, e *Error) []byte {
	dst = append(dst, '{')
	dst = appendStringMember(dst, "error", sanitizeErrorText(e.Code))
	if e.Description != "" {
		dst = appendStringMember(dst, "error_description", sanitizeErrorText(e.Description))
	}
	if e.URI != "" {
		dst = appendStringMember(dst, "error_uri", sanitizeErrorText(e.URI))
	}
	return append(dst, '}')
}

// sanitizeErrorText drops the bytes RFC 6749 §5.2 forbids in error,
// error_description and error_uri: anything outside printable ASCII, '"'
// and '\'.
func sanitizeErrorText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !errorTextByte(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if errorTextByte(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func errorTextByte(c byte) bool { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' }
