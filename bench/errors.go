package bench

import "errors"

var (
	// ErrAlgorithm reports an algorithm the fixture has no key for.
	ErrAlgorithm = errors.New("bench: unsupported algorithm")
	// ErrUnexpected reports a server answer that a benchmark cannot use
	// (a non-200 token response, a denied request).
	ErrUnexpected = errors.New("bench: unexpected answer")
	// ErrNotReady reports a server that did not start accepting requests in
	// time.
	ErrNotReady = errors.New("bench: server not ready")
	// ErrParse reports tool output (wrk, go test) that could not be read.
	ErrParse = errors.New("bench: cannot parse output")
	// ErrNoModule reports a wasm module that is not built.
	ErrNoModule = errors.New("bench: module not built")
)
