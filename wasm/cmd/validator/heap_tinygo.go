//go:build tinygo

package main

import "runtime/volatile"

// TinyGo's collector runs when an allocation finds no free range, and grows
// the heap only when a collection frees less than a third of it. A module
// starts with a few pages, so the first verifications collect again and
// again until the heap has grown. Growing it once at load avoids that.
//
// The size is measured, not guessed (wasm/cmd/validator BenchmarkVerify and
// BenchmarkVerifyUnique, CPU time per uncached ES256 validation, TinyGo
// 0.41.1): no reserve 3.7–4.3 ms, 4 MiB 2.8–3.2 ms, 8 MiB 5.5–7.3 ms. A
// larger heap is slower, not faster, with this collector; and with a large
// live set (20 000 revocations) any reserve costs: none 2.9–3.8 ms, 4 MiB
// 5.4–6.7 ms, 16 MiB 25–30 ms. 4 MiB is the best for the common case.
// Memory is never returned to the host. The standard Go runtime sizes its
// heap by GOGC and needs none of this.

// heapReserve is the allocation that grows the heap at start.
var heapReserve uint32 = 4 << 20

func init() {
	// TinyGo runs package initializers at compile time when it can (its
	// interp pass); the volatile accesses keep this one for run time, and
	// keep the optimizer from dropping the unused allocation.
	n := volatile.LoadUint32(&heapReserve)
	b := make([]byte, n)
	volatile.StoreUint8(&b[n-1], 1)
}
