//go:build wasip1

package main

import "unsafe"

// Limits on what the guest reads from the host. Hosts cap request headers
// far lower (Go's net/http: 1 MiB for all of them); beyond these the guest
// answers 431 or 414 rather than grow its memory without bound.
const (
	maxHeaderBytes = 2 << 20  // the values (or names) of one header kind, NUL-terminated
	maxURIBytes    = 1 << 20  // request URI
	maxMethodBytes = 1 << 10  // request method
	maxConfigBytes = 16 << 20 // guest configuration (the policy document)
)

// buffer is guest memory a host function fills. It is reused across
// requests and grows on demand, so steady-state requests allocate nothing.
type buffer struct{ b []byte }

// fill calls get(buf, limit), which returns the full length of the value and
// writes it only if it fits, growing the buffer to that length (up to max
// bytes) and calling get again when it did not fit. It returns the value,
// valid until the next fill, and false if the value is longer than max.
func (buf *buffer) fill(get func(p unsafe.Pointer, limit uint32) uint32, max int) ([]byte, bool) {
	for range 2 {
		b := buf.b[:cap(buf.b)]
		n := int(get(pointer(b), uint32(len(b))))
		if n <= len(b) {
			return b[:n], true
		}
		if n > max {
			return nil, false
		}
		buf.b = make([]byte, n)
	}
	return nil, false // the value grew between the calls
}

// pointer returns the address of b's first byte (nil for an empty b).
func pointer(b []byte) unsafe.Pointer {
	return unsafe.Pointer(unsafe.SliceData(b))
}

// strPointer returns the address of s's first byte.
func strPointer(s string) unsafe.Pointer {
	return unsafe.Pointer(unsafe.StringData(s))
}

// Request buffers, reused by every request.
var (
	valuesBuf buffer
	namesBuf  buffer
	methodBuf buffer
	uriBuf    buffer
)

// headerValues returns the NUL-terminated values of the request header
// name (lower case) and their count; ok is false if they exceed
// maxHeaderBytes.
func headerValues(name string) (values []byte, count int, ok bool) {
	count = -1
	values, ok = valuesBuf.fill(func(p unsafe.Pointer, limit uint32) uint32 {
		cl := hostGetHeaderValues(kindRequest, strPointer(name), uint32(len(name)), p, limit)
		count = int(cl >> 32)
		return uint32(cl)
	}, maxHeaderBytes)
	return values, count, ok
}

// headerNames returns the NUL-terminated names of the request headers, in
// lower case; ok is false if they exceed maxHeaderBytes.
func headerNames() ([]byte, bool) {
	return namesBuf.fill(func(p unsafe.Pointer, limit uint32) uint32 {
		return uint32(hostGetHeaderNames(kindRequest, p, limit))
	}, maxHeaderBytes)
}

// setHeader sets a request or response header.
func setHeader(kind uint32, name string, value []byte) {
	hostSetHeaderValue(kind, strPointer(name), uint32(len(name)), pointer(value), uint32(len(value)))
}
