package main

import "unsafe"

// maxBuffer bounds a single tg_alloc or tg_scratch request. The largest
// legitimate inputs are revocation feeds; 64 MiB leaves room for millions of
// entries while keeping a hostile size from exhausting the instance.
const maxBuffer = 64 << 20

// Go's garbage collector does not move objects, so a buffer stays at the
// address the host was given for as long as the guest keeps a reference.
// pinned holds those references for tg_alloc buffers until tg_free; scratch is
// held until a larger tg_scratch request replaces it.
var (
	pinned  = map[uint32][]byte{}
	scratch []byte
)

// addr returns the linear-memory address of b's first byte.
func addr(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// tgAlloc returns the address of a new zeroed buffer of size bytes, pinned
// until tgFree, or 0 if size is 0 or larger than maxBuffer.
//
//go:wasmexport tg_alloc
func tgAlloc(size uint32) (ptr uint32) {
	defer func() {
		if recover() != nil {
			ptr = 0
		}
	}()
	if size == 0 || size > maxBuffer {
		return 0
	}
	b := make([]byte, size)
	ptr = addr(b)
	pinned[ptr] = b
	return ptr
}

// tgFree releases a buffer returned by tgAlloc. Unknown addresses are ignored.
//
//go:wasmexport tg_free
func tgFree(ptr uint32) {
	defer func() { _ = recover() }()
	delete(pinned, ptr)
}

// tgScratch returns the address of the instance's scratch buffer, at least
// size bytes long, or 0 if size is larger than maxBuffer. The address stays
// valid until a later tgScratch call asks for more than the current capacity;
// hosts keep it and call again only to grow.
//
//go:wasmexport tg_scratch
func tgScratch(size uint32) (ptr uint32) {
	defer func() {
		if recover() != nil {
			ptr = 0
		}
	}()
	if size > maxBuffer {
		return 0
	}
	if size == 0 {
		size = 1
	}
	if uint32(len(scratch)) < size {
		n := max(size, 4096)
		scratch = make([]byte, n)
	}
	return addr(scratch)
}

// view returns the n bytes at ptr if they lie entirely inside the scratch
// buffer or one pinned buffer. A zero length is always valid and yields nil.
// Checking here is what keeps a wrong pointer from trapping the instance.
func view(ptr, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	if b, ok := within(scratch, ptr, n); ok {
		return b, true
	}
	return viewPinned(ptr, n)
}

// viewPinned is view for the tg_alloc buffers. It is a function of its own
// because the map iterator, which the compiler zeroes on entry to whatever
// function holds it, costs more than the rest of a cached validation.
//
//go:noinline
func viewPinned(ptr, n uint32) ([]byte, bool) {
	for _, buf := range pinned {
		if b, ok := within(buf, ptr, n); ok {
			return b, true
		}
	}
	return nil, false
}

// within returns buf's sub-slice [ptr, ptr+n) if it lies inside buf.
func within(buf []byte, ptr, n uint32) ([]byte, bool) {
	if len(buf) == 0 {
		return nil, false
	}
	base := uint64(addr(buf))
	start, end := uint64(ptr), uint64(ptr)+uint64(n)
	if start < base || end > base+uint64(len(buf)) {
		return nil, false
	}
	return buf[start-base : end-base : end-base], true
}

// uintptrOf returns the linear-memory address of the descriptor array.
func uintptrOf(p *[2]uint32) uintptr {
	return uintptr(unsafe.Pointer(p))
}
