// Command panicguest is a stand-in for validator.wasm in edge/workerd's
// tests: it speaks ABI version 1 but allows every request, with a random
// instance id as the subject, and panics (which ends the instance through
// WASI proc_exit) when the Authorization header is "Bearer panic". The tests
// use it to check that the worker replaces a dead instance.
package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"unsafe"
)

func main() {}

var (
	id      = newID()
	scratch []byte
	pinned  = map[uint32][]byte{}
	record  []byte
	desc    [2]uint32
)

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func bytesAt(ptr, n uint32) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), ptr)), n)
}

//go:wasmexport tg_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport tg_alloc
func alloc(n uint32) uint32 {
	b := make([]byte, n)
	pinned[addr(b)] = b
	return addr(b)
}

//go:wasmexport tg_free
func free(p uint32) { delete(pinned, p) }

//go:wasmexport tg_scratch
func scratchBuf(n uint32) uint32 {
	if uint32(len(scratch)) < n {
		scratch = make([]byte, n)
	}
	return addr(scratch)
}

//go:wasmexport tg_result
func result() uint32 { return uint32(uintptr(unsafe.Pointer(&desc))) }

func write(fields ...string) {
	record = make([]byte, 12)
	for _, f := range fields {
		record = binary.LittleEndian.AppendUint32(record, uint32(len(f)))
		record = append(record, f...)
	}
	desc = [2]uint32{addr(record), uint32(len(record))}
}

//go:wasmexport tg_configure
func configure(p, n uint32) int32 { write("", "", ""); return 0 }

//go:wasmexport tg_set_keys
func setKeys(p, n uint32) int32 { write("", "", ""); return 0 }

//go:wasmexport tg_set_revocations
func setRevocations(p, n uint32) int32 { write("", "", ""); return 0 }

//go:wasmexport tg_authorize
func authorize(hp, hn uint32, now int64, mp, mn, pp, pn uint32) int32 {
	if string(bytesAt(hp, hn)) == "Bearer panic" {
		panic("panicguest: asked to panic")
	}
	write(id, "client", "read")
	return 0
}
