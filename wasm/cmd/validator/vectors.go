package main

import (
	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// These exports let hosts run the Wycheproof tables of
// wasm/validator/conformance against the module itself: they are the
// module's equivalents of validator.VerifySignature and
// Validator.VerifyJWS, not part of the request path.

// tgVerifySignature reports whether sig is a valid signature over msg by the
// public JWK jwk for alg: 1 valid, 0 invalid (a JWK the jwks package
// refuses counts as invalid), or a negative status.
//
//go:wasmexport tg_verify_signature
func tgVerifySignature(algPtr, algLen, jwkPtr, jwkLen, msgPtr, msgLen, sigPtr, sigLen uint32) (valid int32) {
	defer recoverStatus(&valid)
	alg, ok1 := view(algPtr, algLen)
	jwk, ok2 := view(jwkPtr, jwkLen)
	msg, ok3 := view(msgPtr, msgLen)
	sig, ok4 := view(sigPtr, sigLen)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return statusBadArgument
	}
	key, err := jwks.ParseKey(jwk, nil)
	if err != nil || !validator.VerifySignature(string(alg), key, msg, sig) {
		return 0
	}
	return 1
}

// tgVerifyJWS checks the compact JWS at [ptr, ptr+n) with the configured
// policy's algorithms and keys, without the access-token rules (typ and
// claims): 0 valid, with the payload in the result record's first field, or
// 2 (invalid_token) with the description; negative statuses as usual.
//
//go:wasmexport tg_verify_jws
func tgVerifyJWS(ptr, n uint32) (verdict int32) {
	defer recoverStatus(&verdict)
	if v == nil {
		return statusNotConfigured
	}
	tok, ok := view(ptr, n)
	if !ok {
		return statusBadArgument
	}
	payload, err := v.VerifyJWS(tok)
	if err != nil {
		return deny(err)
	}
	writeResult(0, 0, payload, nil, nil)
	return verdictAllow
}
