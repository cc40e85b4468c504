package main

import "github.com/tollgate/tollgate/wasm/validator"

// v is the instance's validator; nil until tg_configure succeeds.
var v *validator.Validator

// tgConfigure parses the policy document at [ptr, ptr+n) and replaces the
// instance's validator (keys, revocations and cache start empty, apart from
// the policy's inline jwks). It returns 0, or 1 with the reason in the result
// record's first field; the previous validator stays in place on failure.
//
//go:wasmexport tg_configure
func tgConfigure(ptr, n uint32) (status int32) {
	defer recoverStatus(&status)
	doc, ok := view(ptr, n)
	if !ok {
		return statusBadArgument
	}
	p, err := validator.ParsePolicy(doc)
	if err != nil {
		writeMessage(err.Error())
		return statusRejected
	}
	nv, err := validator.New(p)
	if err != nil {
		writeMessage(err.Error())
		return statusRejected
	}
	nv.SetVerifier(verify)
	v = nv
	writeResult(0, 0, nil, nil, nil)
	return statusOK
}

// tgSetKeys replaces the verification keys with the JWKS document at
// [ptr, ptr+n). It returns 0, 1 with the reason (the old keys stay), or -1
// before tg_configure.
//
//go:wasmexport tg_set_keys
func tgSetKeys(ptr, n uint32) (status int32) {
	defer recoverStatus(&status)
	return apply(ptr, n, (*validator.Validator).SetKeys)
}

// tgSetRevocations replaces the revocation set with the feed at
// [ptr, ptr+n): a JSON array of {"jti": string, "exp": number}. Return values
// as for tgSetKeys.
//
//go:wasmexport tg_set_revocations
func tgSetRevocations(ptr, n uint32) (status int32) {
	defer recoverStatus(&status)
	return apply(ptr, n, (*validator.Validator).SetRevocations)
}

func apply(ptr, n uint32, set func(*validator.Validator, []byte) error) int32 {
	if v == nil {
		return statusNotConfigured
	}
	doc, ok := view(ptr, n)
	if !ok {
		return statusBadArgument
	}
	if err := set(v, doc); err != nil {
		writeMessage(err.Error())
		return statusRejected
	}
	writeResult(0, 0, nil, nil, nil)
	return statusOK
}

// recoverStatus turns a panic into statusInternal so that no input traps the
// instance. It must be deferred directly.
func recoverStatus(status *int32) {
	if r := recover(); r != nil {
		writeMessage("internal error")
		*status = statusInternal
	}
}

// tgABIVersion returns the ABI version the module implements.
//
//go:wasmexport tg_abi_version
func tgABIVersion() int32 { return abiVersion }
