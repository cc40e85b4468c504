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
	result     = make([]byte, 0, 1024)
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

// writeResult replaces the result record.
func writeResult(flags uint32, expiry int64, f0, f1, f2 []byte) {
	b := result[:0]
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = binary.LittleEndian.AppendUint64(b, uint64(expiry))
	b = appendField(b, f0)
	b = appendField(b, f1)
	b = appendField(b, f2)
	result = b
	resultDesc[0] = addr(b)
	resultDesc[1] = uint32(len(b))
}

// writeMessage replaces the result record with a record carrying only msg.
func writeMessage(msg string) {
	b := result[:0]
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint64(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(msg)))
	b = append(b, msg...)
	b = appendField(b, nil)
	b = appendField(b, nil)
	result = b
	resultDesc[0] = addr(b)
	resultDesc[1] = uint32(len(b))
}

func appendField(b, f []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
	return append(b, f...)
}
