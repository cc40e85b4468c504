package main

import (
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"

	"github.com/tollgate/tollgate/wasm/validator"
)

// Headers set on allowed requests (Envoy's header names are lower case).
const (
	headerSubject  = "x-auth-subject"
	headerClientID = "x-auth-client-id"
	headerScope    = "x-auth-scope"
)

// deny answers the request with the RFC 6750 status and challenge for e;
// e nil means no bearer token: 401 with the realm only.
func (p *plugin) deny(e *validator.Error) {
	status := 401
	if e != nil {
		status = e.Code.Status()
	}
	p.challenge = validator.AppendChallenge(p.challenge[:0], p.realm, e)
	hdrs := [][2]string{{"www-authenticate", string(p.challenge)}}
	if err := proxywasm.SendHttpResponse(uint32(status), hdrs, nil, -1); err != nil {
		proxywasm.LogErrorf("tollgate: send %d: %v", status, err)
	}
}

// forward sets the X-Auth-* headers from the claims. It reports false if the
// host refused one: the request must not reach the upstream half-labelled.
func forward(c validator.Claims) bool {
	for _, h := range [...]struct {
		name  string
		value []byte
	}{{headerSubject, c.Subject}, {headerClientID, c.ClientID}, {headerScope, c.Scope}} {
		if err := proxywasm.ReplaceHttpRequestHeader(h.name, string(h.value)); err != nil {
			proxywasm.LogErrorf("tollgate: set %s: %v", h.name, err)
			return false
		}
	}
	return true
}

// unavailable answers 503: the filter cannot decide (a recovered panic, a
// host call that failed), so the request must not go through.
func unavailable() {
	if err := proxywasm.SendHttpResponse(503, [][2]string{{"content-type", "text/plain"}}, []byte("authorization unavailable\n"), -1); err != nil {
		proxywasm.LogErrorf("tollgate: send 503: %v", err)
	}
}
