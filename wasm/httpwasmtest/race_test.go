//go:build race

package httpwasmtest

// raceEnabled: under the race detector sync.Pool drops a quarter of what it
// is given, so http-wasm-host-go makes fresh instances at random.
const raceEnabled = true
