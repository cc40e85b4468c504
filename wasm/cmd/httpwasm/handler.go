//go:build wasip1

package main

import (
	"bytes"
	"time"

	"github.com/tollgate/tollgate/wasm/validator"
)

// Headers set on allowed requests; every incoming header starting with
// x-auth- is removed first (the host lists header names in lower case).
const (
	headerSubject  = "X-Auth-Subject"
	headerClientID = "X-Auth-Client-Id"
	headerScope    = "X-Auth-Scope"
	authPrefix     = "x-auth-"
)

// errDuplicate denies a request with several Authorization headers (which
// one the upstream reads is anyone's guess) or a value holding a NUL.
var errDuplicate = &validator.Error{Code: validator.InvalidRequest, Description: "malformed authorization header"}

// errMethod denies a request whose method exceeds maxMethodBytes.
var errMethod = &validator.Error{Code: validator.InvalidRequest, Description: "malformed request"}

// challenge holds the WWW-Authenticate value, reused across requests.
var challenge = make([]byte, 0, 256)

// handleRequest is the http-wasm entry point for each request. It returns
// 1 (call the next handler) for an allowed request and 0 when it wrote the
// answer. It never traps: a panic, which would be a bug, answers 503.
//
//go:wasmexport handle_request
func handleRequest() (ctxNext uint64) {
	defer func() {
		if recover() != nil {
			logMessage(logError, "tollgate: internal error; request refused with 503")
			hostSetStatusCode(503)
			ctxNext = 0
		}
	}()
	return serve(time.Now().Unix())
}

// handleResponse is called after the next handler for allowed requests;
// there is nothing to do.
//
//go:wasmexport handle_response
func handleResponse(reqCtx, isError uint32) {}

func serve(now int64) uint64 {
	refreshFiles(now)
	if !stripAuthHeaders() {
		return status(431)
	}
	values, count, ok := headerValues("authorization")
	if !ok {
		return status(431)
	}
	switch {
	case count == 0:
		return deny(nil)
	case count > 1:
		return deny(errDuplicate)
	}
	// One value, NUL-terminated. A NUL inside it would let the guest read
	// less than the upstream: refuse it.
	if bytes.IndexByte(values, 0) != len(values)-1 {
		return deny(errDuplicate)
	}
	tok, e := validator.BearerToken(values[:len(values)-1])
	if e != nil {
		return deny(e)
	}
	if tok == nil {
		return deny(nil)
	}
	method, ok := methodBuf.fill(hostGetMethod, maxMethodBytes)
	if !ok {
		return deny(errMethod)
	}
	uri, ok := uriBuf.fill(hostGetURI, maxURIBytes)
	if !ok {
		return status(414)
	}
	// The core ignores the query and checks the path, percent-encoding
	// intact, for canonical form before it applies routes.
	c, e := v.Validate(tok, now, method, uri)
	if e != nil {
		return deny(e)
	}
	setHeader(kindRequest, headerSubject, c.Subject)
	setHeader(kindRequest, headerClientID, c.ClientID)
	setHeader(kindRequest, headerScope, c.Scope)
	return 1
}

// stripAuthHeaders removes every X-Auth-* request header, so that a client
// cannot forge the ones the upstream trusts. It returns false if the header
// names exceed the guest's limit.
func stripAuthHeaders() bool {
	names, ok := headerNames()
	if !ok {
		return false
	}
	for len(names) > 0 {
		i := bytes.IndexByte(names, 0)
		if i < 0 {
			break
		}
		name := names[:i]
		names = names[i+1:]
		if len(name) > len(authPrefix) && string(name[:len(authPrefix)]) == authPrefix {
			hostRemoveHeader(kindRequest, pointer(name), uint32(len(name)))
		}
	}
	return true
}

// deny answers the request with e's status and challenge (RFC 6750 §3);
// a nil e is the bare challenge of a request without a token.
func deny(e *validator.Error) uint64 {
	challenge = validator.AppendChallenge(challenge[:0], realm, e)
	setHeader(kindResponse, "WWW-Authenticate", challenge)
	code := 401
	if e != nil {
		code = e.Code.Status()
	}
	return status(code)
}

// status answers the request with code and no body. Headers must be set
// before: a host without response buffering sends them with the status.
func status(code int) uint64 {
	hostSetStatusCode(uint32(code))
	return 0
}
