package validator

import (
	"encoding/binary"
	"math/bits"
)

// hashToken is a fast, non-cryptographic 64-bit hash of a token for the
// cache's index: its length and its last hashTail bytes, eight per step with
// 64-bit multiplies, which WebAssembly has natively. Equality is always
// confirmed on the full bytes, so a collision costs a comparison, never a
// wrong verdict. Only verified tokens enter the cache, and their last bytes
// are signature bytes, distinct for distinct tokens, so there is nothing to
// flood a bucket with; hashing the whole token would cost a few hundred
// nanoseconds per request in WebAssembly for no better spread.
func hashToken(b []byte) uint64 {
	const (
		k1 = 0x9e3779b97f4a7c15
		k2 = 0xc2b2ae3d27d4eb4f
	)
	h := uint64(len(b)) * k1
	if len(b) > hashTail {
		b = b[len(b)-hashTail:]
	}
	for ; len(b) >= 8; b = b[8:] {
		h = bits.RotateLeft64(h^binary.LittleEndian.Uint64(b)*k2, 31) * k1
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	h = bits.RotateLeft64(h^tail*k2, 31) * k1
	// fmix64 (MurmurHash3) spreads every input bit over the low bits.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// hashTail is how many trailing bytes of a token hashToken reads: 32
// base64url characters, 192 bits of signature.
const hashTail = 32
