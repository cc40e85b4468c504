//go:build !wasm

package main

// hostVerifySignature has no host outside WebAssembly: native builds of this
// package (go build ./..., go vet) verify in Go.
func hostVerifySignature(alg, aPtr, aLen, bPtr, bLen, msgPtr, msgLen, sigPtr, sigLen uint32) int32 {
	return -1
}
