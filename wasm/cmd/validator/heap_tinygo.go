//go:build tinygo

package main

import "runtime/volatile"

// TinyGo's collector runs whenever the heap is full, and grows the heap only
// when a collection frees less than a third of it. Starting from a few
// pages, signature verification (big.Int arithmetic) fills the heap again
// and again: measured 11 ms per ES256 verification against 3.4 ms with room
// to spare. Growing the heap once at load makes collections rare; memory is
// never returned to the host, so the room stays for the instance's life.
// The standard Go runtime sizes its heap by GOGC and needs none of this.

// heapReserve is the heap size the instance grows to at start.
var heapReserve uint32 = 8 << 20

func init() {
	// TinyGo runs package initializers at compile time when it can (its
	// interp pass); the volatile accesses keep this one for run time, and
	// keep the optimizer from dropping the unused allocation.
	n := volatile.LoadUint32(&heapReserve)
	b := make([]byte, n)
	volatile.StoreUint8(&b[n-1], 1)
}
