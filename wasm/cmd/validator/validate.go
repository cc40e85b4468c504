package main

import "github.com/tollgate/tollgate/wasm/validator"

// tgValidate validates the access token at [tokPtr, tokPtr+tokLen) for a
// request with the given method and path, at time now (Unix seconds, from the
// host's clock). It returns a verdict (0 allow, 1 invalid_request,
// 2 invalid_token, 3 insufficient_scope) and writes the result record, or a
// negative status. The cached path allocates nothing.
//
//go:wasmexport tg_validate
func tgValidate(tokPtr, tokLen uint32, now int64, methodPtr, methodLen, pathPtr, pathLen uint32) (verdict int32) {
	if recovers {
		defer recoverStatus(&verdict)
	}
	if v == nil {
		return statusNotConfigured
	}
	tok, ok1 := view(tokPtr, tokLen)
	method, ok2 := view(methodPtr, methodLen)
	path, ok3 := view(pathPtr, pathLen)
	if !ok1 || !ok2 || !ok3 {
		return statusBadArgument
	}
	return verdictOf(v.ValidateInto(tok, now, method, path, &claims))
}

// tgAuthorize is tgValidate for a whole Authorization header value: it
// extracts the Bearer token first, answering 4 (no token: a bare challenge)
// when the value is empty and 1 (invalid_request) when it is malformed. Hosts
// that use it need no parsing of their own.
//
// Its argument checks repeat tgValidate's on purpose: a shared helper
// returning the three views measured 10–15 % slower on the cached path of
// the standard-Go build (BenchmarkGuestCached), where this call is most of
// the work.
//
//go:wasmexport tg_authorize
func tgAuthorize(hdrPtr, hdrLen uint32, now int64, methodPtr, methodLen, pathPtr, pathLen uint32) (verdict int32) {
	if recovers {
		defer recoverStatus(&verdict)
	}
	if v == nil {
		return statusNotConfigured
	}
	hdr, ok1 := view(hdrPtr, hdrLen)
	method, ok2 := view(methodPtr, methodLen)
	path, ok3 := view(pathPtr, pathLen)
	if !ok1 || !ok2 || !ok3 {
		return statusBadArgument
	}
	bearer, err := v.Authorize(hdr, now, method, path, &claims)
	if !bearer {
		writeResult(0, 0, nil, nil, nil)
		return verdictNoToken
	}
	return verdictOf(err)
}

// claims receives the claims of allowed tokens. It is package-level, like
// the validator, because a Claims on the stack would be zeroed on every call
// with a bulk-memory loop that costs more than a cached validation.
var claims validator.Claims

// verdictOf writes the record of a validation that claims or err describe
// and returns its verdict.
func verdictOf(err *validator.Error) int32 {
	if err != nil {
		return deny(err)
	}
	var flags uint32
	if claims.Cached {
		flags |= flagCacheHit
	}
	writeResult(flags, claims.Expiry, claims.Subject, claims.ClientID, claims.Scope)
	return verdictAllow
}

// deny writes err's record and maps its code to a verdict.
func deny(err *validator.Error) int32 {
	var flags uint32
	if err.UnknownKey {
		flags |= flagUnknownKey
	}
	writeResult(flags, 0, []byte(err.Description), []byte(err.Scope), nil)
	switch err.Code {
	case validator.InvalidRequest:
		return verdictInvalidRequest
	case validator.InsufficientScope:
		return verdictInsufficientScope
	default:
		return verdictInvalidToken
	}
}

// tgHeapAllocs returns the number of heap objects the instance has allocated
// since it started. It is a diagnostic for hosts' tests (the cached path must
// not move it) and costs a stop-the-world, so hosts do not call it per request.
//
//go:wasmexport tg_heap_allocs
func tgHeapAllocs() int64 {
	readMemStats()
	return int64(memStats.Mallocs)
}
