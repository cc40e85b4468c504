package main

import "encoding/binary"

// The result record every status-returning export leaves behind (see
// wasm/ABI.md, "Result record"):
//
//	u32 flags | i64 expiry | field0 | field1 | field2
//
// where each field is a u32 little-endian length followed by that many bytes.
// Allowed: subject, client_id, scope. Denied: description, required scope,
// empty. Rejected configuration: message, empty, empty.
const resultHeader = 4 + 8

// result is reused across calls so that writing a record allocates only when
// a record is larger than any before it.
var (
	result     = make([]byte, 1024)
	resultDesc [2]uint32 // {address, length} of the last record; see tgResult
)

// tgResult returns the address of the result descriptor: two little-endian
// u32 words {address, length} describing the record written by the last
// tg_configure, tg_set_keys, tg_set_revocations, tg_validate or tg_authorize
// call. The descriptor's own address never changes, so hosts ask once.
//
//go:wasmexport tg_result
func tgResult() uint32 {
	return uint32(uintptrOf(&resultDesc))
}

// writeResult replaces the result record. It stores words and copies fields
// in place rather than appending: in WebAssembly this halves the cost of a
// cached validation's record.
func writeResult(flags uint32, expiry int64, f0, f1, f2 []byte) {
	n := resultHeader + 12 + len(f0) + len(f1) + len(f2)
	if len(result) < n {
		result = make([]byte, n)
	}
	b := result
	binary.LittleEndian.PutUint32(b, flags)
	binary.LittleEndian.PutUint64(b[4:], uint64(expiry))
	i := putField(b, resultHeader, f0)
	i = putField(b, i, f1)
	i = putField(b, i, f2)
	resultDesc[0] = addr(b)
	resultDesc[1] = uint32(i)
}

// writeMessage replaces the result record with a record carrying only msg.
func writeMessage(msg string) {
	writeResult(0, 0, []byte(msg), nil, nil)
}

// putField writes f's length and f at b[i:] and returns the index after it.
func putField(b []byte, i int, f []byte) int {
	binary.LittleEndian.PutUint32(b[i:], uint32(len(f)))
	return i + 4 + copy(b[i+4:], f)
}
