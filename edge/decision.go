package edge

import "strconv"

// Verdict is the outcome of a validation, numbered as the guest ABI's
// verdicts (wasm/ABI.md).
type Verdict int

const (
	// Allow: the token is valid for the request.
	Allow Verdict = 0
	// InvalidRequest: the Authorization header is malformed (RFC 6750, 400).
	InvalidRequest Verdict = 1
	// InvalidToken: the token is malformed, expired, revoked, foreign or
	// badly signed (401).
	InvalidToken Verdict = 2
	// InsufficientScope: the token lacks a scope the request needs (403).
	InsufficientScope Verdict = 3
	// NoToken: the request carries no credentials (401, bare challenge).
	NoToken Verdict = 4
)

// String returns the RFC 6750 error code, "allow" or "no_token".
func (v Verdict) String() string {
	switch v {
	case Allow:
		return "allow"
	case InvalidRequest:
		return "invalid_request"
	case InvalidToken:
		return "invalid_token"
	case InsufficientScope:
		return "insufficient_scope"
	case NoToken:
		return "no_token"
	}
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

// Status returns the HTTP status for the verdict: 200 for Allow, then 400,
// 401 or 403 as RFC 6750 §3.1 says.
func (v Verdict) Status() int {
	switch v {
	case Allow:
		return 200
	case InvalidRequest:
		return 400
	case InsufficientScope:
		return 403
	}
	return 401
}

// Decision is the result of [Host.Authorize]. Its byte slices point into a
// buffer the Decision owns and reuses: they are valid until the Decision is
// passed to another call. Reusing one Decision per goroutine makes the cached
// path allocation-free.
type Decision struct {
	Verdict Verdict
	// Cached reports that the guest answered from its verified-token cache.
	Cached bool
	// UnknownKey reports a denial because no key matched the token's kid.
	UnknownKey bool
	// Expiry is the token's exp (Allow only).
	Expiry int64

	Subject, ClientID, Scope []byte // Allow only

	Description   []byte // denials: a short error_description
	RequiredScope []byte // InsufficientScope: the scope(s) the request needs

	buf []byte // backs the fields above
	in  []byte // request input staging (net/http middleware)
}

// set copies a guest result record into d.
func (d *Decision) set(v Verdict, r record) {
	*d = Decision{
		Verdict:    v,
		Cached:     r.flags&flagCacheHit != 0,
		UnknownKey: r.flags&flagUnknownKey != 0,
		buf:        d.buf[:0],
		in:         d.in,
	}
	n := len(r.fields[0]) + len(r.fields[1]) + len(r.fields[2])
	if cap(d.buf) < n {
		d.buf = make([]byte, 0, n)
	}
	var f [3][]byte
	for i, src := range r.fields {
		start := len(d.buf)
		d.buf = append(d.buf, src...)
		f[i] = d.buf[start:len(d.buf):len(d.buf)]
	}
	if v == Allow {
		d.Expiry = r.expiry
		d.Subject, d.ClientID, d.Scope = f[0], f[1], f[2]
		return
	}
	d.Description, d.RequiredScope = f[0], f[1]
}

// deny makes d a denial decided by the host (e.g. duplicate headers).
func (d *Decision) deny(v Verdict, description string) {
	*d = Decision{Verdict: v, buf: append(d.buf[:0], description...), in: d.in}
	d.Description = d.buf
}

// AppendChallenge appends the WWW-Authenticate value for a denial to dst:
// `Bearer realm="…"`, then error and error_description, and for 403 scope,
// as the core's validator.AppendChallenge writes them. NoToken gets the bare
// challenge (RFC 6750 §3.1). Bytes RFC 6750 does not
// allow in error_description and scope are dropped; the realm is escaped.
func (d *Decision) AppendChallenge(dst []byte, realm string) []byte {
	dst = append(dst, `Bearer realm="`...)
	dst = appendQuoted(dst, realm)
	dst = append(dst, '"')
	switch d.Verdict {
	case InvalidRequest, InvalidToken, InsufficientScope:
	default:
		return dst
	}
	dst = append(dst, `, error="`...)
	dst = append(dst, d.Verdict.String()...)
	dst = append(dst, '"')
	if len(d.Description) > 0 {
		dst = append(dst, `, error_description="`...)
		dst = appendRFC6750(dst, d.Description)
		dst = append(dst, '"')
	}
	if d.Verdict == InsufficientScope {
		dst = append(dst, `, scope="`...)
		dst = appendRFC6750(dst, d.RequiredScope)
		dst = append(dst, '"')
	}
	return dst
}

// appendQuoted appends s as the inside of an RFC 9110 quoted-string,
// escaping quotes and backslashes and dropping control and non-ASCII bytes.
func appendQuoted(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c >= 0x20 && c < 0x7f:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendRFC6750 appends the bytes of s that RFC 6750 §3 allows in
// error_description and scope (printable ASCII except '"' and '\').
func appendRFC6750(dst, s []byte) []byte {
	for _, c := range s {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			dst = append(dst, c)
		}
	}
	return dst
}
