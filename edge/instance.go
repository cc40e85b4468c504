package edge

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// abiVersion is the validator ABI this host speaks (wasm/ABI.md).
const abiVersion = 1

// Guest statuses and verdicts (wasm/ABI.md).
const (
	statusOK            = 0
	statusRejected      = 1
	statusNotConfigured = -1
	statusBadArgument   = -2
	statusInternal      = -3

	flagCacheHit   = 1 << 0
	flagUnknownKey = 1 << 1
)

// instance is one module instance and the host's view of its buffers. It is
// used by one goroutine at a time (the pool hands it out).
type instance struct {
	mod api.Module
	mem api.Memory

	authorize, validate, scratch    api.Function
	setKeys, setRevocations, config api.Function
	alloc, free                     api.Function
	heapAllocs                      api.Function

	stack      []uint64 // reused for every call: wide enough for tg_validate
	scratchPtr uint32   // address of the guest's scratch buffer
	scratchCap uint32
	resultDesc uint32 // address of the guest's {ptr, len} result descriptor

	keysGen, revocationsGen uint64 // generations loaded (see material)
}

// newInstance binds the exports of an instantiated module and checks its ABI
// version.
func newInstance(mod api.Module) (*instance, error) {
	in := &instance{mod: mod, mem: mod.Memory(), stack: make([]uint64, 7)}
	fns := []struct {
		name string
		fn   *api.Function
	}{
		{"tg_authorize", &in.authorize},
		{"tg_validate", &in.validate},
		{"tg_scratch", &in.scratch},
		{"tg_set_keys", &in.setKeys},
		{"tg_set_revocations", &in.setRevocations},
		{"tg_configure", &in.config},
		{"tg_alloc", &in.alloc},
		{"tg_free", &in.free},
	}
	for _, f := range fns {
		if *f.fn = mod.ExportedFunction(f.name); *f.fn == nil {
			return nil, fmt.Errorf("%w: module does not export %s", ErrABIVersion, f.name)
		}
	}
	in.heapAllocs = mod.ExportedFunction("tg_heap_allocs") // optional diagnostic
	if in.mem == nil {
		return nil, fmt.Errorf("%w: module exports no memory", ErrABIVersion)
	}
	v, err := in.call0(context.Background(), "tg_abi_version")
	if err != nil {
		return nil, err
	}
	if int32(v) != abiVersion {
		return nil, fmt.Errorf("%w: module speaks %d, host %d", ErrABIVersion, int32(v), abiVersion)
	}
	desc, err := in.call0(context.Background(), "tg_result")
	if err != nil {
		return nil, err
	}
	in.resultDesc = uint32(desc)
	return in, nil
}

// call0 calls a parameterless export by name (setup only: it allocates).
func (in *instance) call0(ctx context.Context, name string) (uint64, error) {
	fn := in.mod.ExportedFunction(name)
	if fn == nil {
		return 0, fmt.Errorf("%w: module does not export %s", ErrABIVersion, name)
	}
	res, err := fn.Call(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %w", ErrGuest, name, err)
	}
	return res[0], nil
}

// ensureScratch makes the guest's scratch buffer at least n bytes long.
func (in *instance) ensureScratch(ctx context.Context, n int) error {
	if uint64(n) <= uint64(in.scratchCap) && in.scratchPtr != 0 {
		return nil
	}
	if n > 64<<20 {
		return fmt.Errorf("%w: input of %d bytes exceeds the guest's buffer limit", ErrGuest, n)
	}
	size := uint32(max(n, 4096))
	in.stack[0] = uint64(size)
	if err := in.scratch.CallWithStack(ctx, in.stack); err != nil {
		return fmt.Errorf("%w: tg_scratch: %w", ErrGuest, err)
	}
	ptr := uint32(in.stack[0])
	if ptr == 0 {
		return fmt.Errorf("%w: tg_scratch refused %d bytes", ErrGuest, size)
	}
	in.scratchPtr, in.scratchCap = ptr, size
	return nil
}

// document passes doc to a (ptr, len) → status export such as tg_configure,
// through a tg_alloc buffer freed afterwards (documents can be megabytes; the
// scratch buffer, which is never freed, stays request-sized). A rejection
// returns the guest's message.
func (in *instance) document(ctx context.Context, fn api.Function, doc []byte) (int32, string, error) {
	var ptr uint32
	if len(doc) > 0 {
		in.stack[0] = uint64(len(doc))
		if err := in.alloc.CallWithStack(ctx, in.stack); err != nil {
			return 0, "", fmt.Errorf("%w: tg_alloc: %w", ErrGuest, err)
		}
		if ptr = uint32(in.stack[0]); ptr == 0 || !in.mem.Write(ptr, doc) {
			return 0, "", fmt.Errorf("%w: tg_alloc refused %d bytes", ErrGuest, len(doc))
		}
		defer func() {
			in.stack[0] = uint64(ptr)
			_ = in.free.CallWithStack(ctx, in.stack)
		}()
	}
	in.stack[0], in.stack[1] = uint64(ptr), uint64(len(doc))
	if err := fn.CallWithStack(ctx, in.stack); err != nil {
		return 0, "", fmt.Errorf("%w: %s: %w", ErrGuest, fn.Definition().Name(), err)
	}
	status := int32(uint32(in.stack[0]))
	if status == statusRejected {
		rec, err := in.record()
		if err != nil {
			return 0, "", err
		}
		return status, string(rec.fields[0]), nil
	}
	return status, "", nil
}

// check runs tg_authorize (or tg_validate when isToken) on the request and
// decodes the result into d. The returned status is the raw verdict.
func (in *instance) check(ctx context.Context, isToken bool, cred, method, path []byte, now int64, d *Decision) (int32, error) {
	n := len(cred) + len(method) + len(path)
	if err := in.ensureScratch(ctx, n); err != nil {
		return 0, err
	}
	p := in.scratchPtr
	in.mem.Write(p, cred)
	in.mem.Write(p+uint32(len(cred)), method)
	in.mem.Write(p+uint32(len(cred)+len(method)), path)
	s := in.stack
	s[0], s[1] = uint64(p), uint64(len(cred))
	s[2] = uint64(now)
	s[3], s[4] = uint64(p+uint32(len(cred))), uint64(len(method))
	s[5], s[6] = uint64(p+uint32(len(cred)+len(method))), uint64(len(path))
	fn := in.authorize
	if isToken {
		fn = in.validate
	}
	if err := fn.CallWithStack(ctx, s); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrGuest, err)
	}
	verdict := int32(uint32(s[0]))
	if verdict < 0 {
		return verdict, nil
	}
	rec, err := in.record()
	if err != nil {
		return 0, err
	}
	d.set(Verdict(verdict), rec)
	return verdict, nil
}

// record is a decoded view of the guest's result record; the slices alias
// guest memory and are valid until the next call into the instance.
type record struct {
	flags  uint32
	expiry int64
	fields [3][]byte
}

// record reads the result record the last call left (wasm/ABI.md).
func (in *instance) record() (record, error) {
	var r record
	desc, ok := in.mem.Read(in.resultDesc, 8)
	if !ok {
		return r, fmt.Errorf("%w: result descriptor out of range", ErrGuest)
	}
	b, ok := in.mem.Read(binary.LittleEndian.Uint32(desc), binary.LittleEndian.Uint32(desc[4:]))
	if !ok || len(b) < 12 {
		return r, fmt.Errorf("%w: result record out of range", ErrGuest)
	}
	r.flags = binary.LittleEndian.Uint32(b)
	r.expiry = int64(binary.LittleEndian.Uint64(b[4:]))
	b = b[12:]
	for i := range r.fields {
		if len(b) < 4 {
			return r, fmt.Errorf("%w: truncated result record", ErrGuest)
		}
		n := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return r, fmt.Errorf("%w: truncated result record", ErrGuest)
		}
		r.fields[i], b = b[:n], b[n:]
	}
	return r, nil
}

// allocs returns the guest's cumulative heap allocation count (tests).
func (in *instance) allocs(ctx context.Context) (uint64, error) {
	if in.heapAllocs == nil {
		return 0, fmt.Errorf("%w: module does not export tg_heap_allocs", ErrABIVersion)
	}
	if err := in.heapAllocs.CallWithStack(ctx, in.stack); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrGuest, err)
	}
	return in.stack[0], nil
}

func (in *instance) close(ctx context.Context) { _ = in.mod.Close(ctx) }
