package main

import (
	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// Algorithm codes of verify_signature.
const (
	hostRS256 = 1
	hostPS256 = 2
	hostES256 = 3
	hostEdDSA = 4
)

// verify is the Validator's signature check: the host's native one when it
// offers it, the standard library compiled into the guest otherwise. The
// core has already checked the key against alg and the signature's shape.
func verify(alg string, key *jwks.Key, msg, sig []byte) bool {
	var code uint32
	var a, b []byte
	switch alg {
	case jwks.RS256:
		code, a, b = hostRS256, key.N, key.E
	case jwks.PS256:
		code, a, b = hostPS256, key.N, key.E
	case jwks.ES256:
		code, a, b = hostES256, key.X, key.Y
	case jwks.EdDSA:
		code, a = hostEdDSA, key.X
	default: // HS256: the secret stays in the guest
		return validator.VerifySignature(alg, key, msg, sig)
	}
	switch hostVerifySignature(code, addr(a), uint32(len(a)), addr(b), uint32(len(b)),
		addr(msg), uint32(len(msg)), addr(sig), uint32(len(sig))) {
	case 1:
		return true
	case 0:
		return false
	}
	return validator.VerifySignature(alg, key, msg, sig)
}
