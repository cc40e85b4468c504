package validator

import (
	"encoding/binary"
	"math/bits"
)

// hashToken is a fast, non-cryptographic 64-bit hash of the token bytes for
// the cache's index; equality is always confirmed on the full bytes. It
// reads eight bytes per step with 64-bit multiplies, which WebAssembly has
// natively. Collisions cost a comparison, never a wrong verdict, and only
// verified tokens enter the cache, so there is nothing to flood with.
func hashToken(b []byte) uint64 {
	const (
		k1 = 0x9e3779b97f4a7c15
		k2 = 0xc2b2ae3d27d4eb4f
	)
	h := uint64(len(b)) * k1
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
