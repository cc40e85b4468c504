//go:build !tinygo

package main

// recovers reports whether a deferred recoverStatus turns a panic into
// statusInternal. The standard Go toolchain recovers panics in WebAssembly.
const recovers = true
