//go:build wasm

package main

// hostVerifySignature is the one import besides WASI (wasm/ABI.md, "Host
// import"): the host verifies a signature with native cryptography, given
// the algorithm code, the key's raw material (EC: x, y; OKP: x; RSA: n, e)
// and the signing input and signature. It returns 1 valid, 0 invalid, or -1
// when the host has no native cryptography for alg; the guest then verifies
// it itself.
//
//go:wasmimport tollgate verify_signature
func hostVerifySignature(alg, aPtr, aLen, bPtr, bLen, msgPtr, msgLen, sigPtr, sigLen uint32) int32
