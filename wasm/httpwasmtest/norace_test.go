//go:build !race

package httpwasmtest

const raceEnabled = false
