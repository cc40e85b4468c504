//go:build race && !wasm

package envoytest

// raceEnabled reports whether the race detector is on: wazero compiles a
// module about ten times slower under it.
const raceEnabled = true
