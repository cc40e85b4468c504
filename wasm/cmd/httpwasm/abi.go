//go:build wasip1

package main

import "unsafe"

// The http_handler host functions this guest uses
// (https://http-wasm.io/http-handler-abi/). Buffers are guest memory; the
// host reads them during the call. Functions that fill a buffer return the
// full length of the value, and write nothing when it exceeds buf_limit.

// Header kinds.
const (
	kindRequest  uint32 = 0
	kindResponse uint32 = 1
)

// Log levels.
const (
	logInfo  int32 = 0
	logWarn  int32 = 1
	logError int32 = 2
)

//go:wasmimport http_handler log
func hostLog(level int32, msg unsafe.Pointer, msgLen uint32)

//go:wasmimport http_handler get_config
func hostGetConfig(buf unsafe.Pointer, bufLimit uint32) uint32

//go:wasmimport http_handler get_method
func hostGetMethod(buf unsafe.Pointer, bufLimit uint32) uint32

//go:wasmimport http_handler get_uri
func hostGetURI(buf unsafe.Pointer, bufLimit uint32) uint32

// hostGetHeaderNames returns count<<32 | len of the NUL-terminated names.
//
//go:wasmimport http_handler get_header_names
func hostGetHeaderNames(kind uint32, buf unsafe.Pointer, bufLimit uint32) uint64

// hostGetHeaderValues returns count<<32 | len of the NUL-terminated values.
//
//go:wasmimport http_handler get_header_values
func hostGetHeaderValues(kind uint32, name unsafe.Pointer, nameLen uint32, buf unsafe.Pointer, bufLimit uint32) uint64

//go:wasmimport http_handler set_header_value
func hostSetHeaderValue(kind uint32, name unsafe.Pointer, nameLen uint32, value unsafe.Pointer, valueLen uint32)

//go:wasmimport http_handler remove_header
func hostRemoveHeader(kind uint32, name unsafe.Pointer, nameLen uint32)

//go:wasmimport http_handler set_status_code
func hostSetStatusCode(code uint32)
