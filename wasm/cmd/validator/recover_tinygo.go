//go:build tinygo

package main

// recovers is false under TinyGo, which does not implement recover on
// WebAssembly: a panic traps the instance whatever the guest defers, and the
// host replaces it (wasm/ABI.md). Deferring recoverStatus would still cost a
// heap allocation per request (TinyGo moves the result whose address the
// deferred call holds to the heap), so tg_validate and tg_authorize skip it.
const recovers = false
