//go:build !race && !wasm

package envoytest

const raceEnabled = false
