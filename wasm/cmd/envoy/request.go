package main

import (
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/tollgate/tollgate/wasm/validator"
)

// errDuplicate answers a request with more than one Authorization header,
// as every Tollgate host does.
var errDuplicate = &validator.Error{Code: validator.InvalidRequest, Description: "malformed authorization header"}

// request is the HTTP context of one request.
type request struct {
	types.DefaultHttpContext
	p *plugin
}

// input is what the filter reads from the request headers.
type input struct {
	auth         string // the last Authorization value
	auths        int    // how many Authorization headers there are
	method, path string
	forged       []string // incoming X-Auth-* names, once per occurrence
}

// OnHttpRequestHeaders implements types.HttpContext: it strips the incoming
// X-Auth-* headers and either lets the request continue with the claims in
// X-Auth-Subject, X-Auth-Client-Id and X-Auth-Scope, or answers it.
func (r *request) OnHttpRequestHeaders(int, bool) (action types.Action) {
	defer func() {
		if e := recover(); e != nil {
			proxywasm.LogCriticalf("tollgate: request: recovered: %v", e)
			unavailable()
			action = types.ActionPause
		}
	}()
	if r.p.v == nil {
		unavailable()
		return types.ActionPause
	}
	hdrs, err := proxywasm.GetHttpRequestHeaders()
	if err != nil {
		proxywasm.LogErrorf("tollgate: read request headers: %v", err)
		unavailable()
		return types.ActionPause
	}
	in := scan(hdrs)
	// Envoy removes every value of a name; the SDK's test host only the
	// first: removing once per occurrence suits both.
	for _, name := range in.forged {
		if err := proxywasm.RemoveHttpRequestHeader(name); err != nil {
			proxywasm.LogErrorf("tollgate: remove %s: %v", name, err)
			unavailable()
			return types.ActionPause
		}
	}
	claims, denial, ok := r.p.authorize(&in, time.Now())
	if !ok {
		r.p.deny(denial)
		return types.ActionPause
	}
	if !forward(claims) {
		unavailable()
		return types.ActionPause
	}
	return types.ActionContinue
}

// scan collects the Authorization values, :method, :path and the forged
// X-Auth-* names from the whole header map.
func scan(hdrs [][2]string) input {
	var in input
	for _, h := range hdrs {
		switch name := h[0]; {
		case asciiEqualFold(name, "authorization"):
			in.auths++
			in.auth = h[1]
		case name == ":method":
			in.method = h[1]
		case name == ":path":
			in.path = h[1]
		case isAuthHeader(name):
			in.forged = append(in.forged, name)
		}
	}
	return in
}

// authorize returns the claims to forward, or ok false and the denial (nil
// when the request carries no bearer token).
func (p *plugin) authorize(in *input, now time.Time) (claims validator.Claims, denial *validator.Error, ok bool) {
	switch in.auths {
	case 0:
		return claims, nil, false
	case 1:
	default:
		return claims, errDuplicate, false
	}
	tok, e := validator.BearerToken([]byte(in.auth))
	if e != nil || tok == nil {
		return claims, e, false
	}
	claims, e = p.v.Validate(tok, now.Unix(), []byte(in.method), []byte(in.path))
	if e != nil {
		if e.UnknownKey && p.jwks != nil {
			p.jwks.expedite(now)
		}
		return claims, e, false
	}
	return claims, nil, true
}

// isAuthHeader reports whether name starts with "x-auth-" in any case, with
// '_' for '-' too: some upstreams (CGI, WSGI) read X_Auth_Subject as
// X-Auth-Subject.
func isAuthHeader(name string) bool {
	const prefix = "x-auth-"
	if len(name) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := lower(name[i])
		if c == '_' {
			c = '-'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// asciiEqualFold reports whether a equals the lower-case ASCII b, ignoring
// ASCII case.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != b[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
