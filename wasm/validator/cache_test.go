package validator

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestEqual: the cache's token comparison agrees with bytes.Equal for every
// length around its 64- and 8-byte strides and a difference in any one byte
// — including pairs where a difference in one word is masked by the bits of
// the next, which an expression mixing ^ and | without parentheses (same
// precedence in Go) would call equal.
func TestEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 200; n++ {
		a := make([]byte, n)
		for i := range a {
			a[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[r.IntN(64)]
		}
		if !equal(a, bytes.Clone(a)) {
			t.Fatalf("len %d: a copy compares unequal", n)
		}
		for i := range a {
			for _, c := range []byte{0, 'A', 't', 0x7f, 0xff} {
				b := bytes.Clone(a)
				b[i] = c
				if got, want := equal(a, b), bytes.Equal(a, b); got != want {
					t.Fatalf("len %d, byte %d %q → %q: equal %v, want %v", n, i, a[i], c, got, want)
				}
			}
		}
	}
	if equal([]byte("abc"), []byte("abcd")) {
		t.Error("different lengths compare equal")
	}
}
