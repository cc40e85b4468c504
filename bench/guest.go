package bench

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Guest is one validator module instance driven through the raw ABI
// (wasm/ABI.md) with no host library in between, so that what the guest
// itself does can be measured: its heap allocations (tg_heap_allocs) and
// its linear memory. Its verify_signature import answers -1, so uncached
// tokens are verified by the guest's own crypto. A Guest is not safe for
// concurrent use.
type Guest struct {
	rt         wazero.Runtime
	mod        api.Module
	validate   api.Function
	heapAllocs api.Function
	stack      []uint64
	scratch    uint32
	result     uint32
}

// NewGuest compiles wasm in a fresh runtime (through cache when not nil),
// instantiates it and configures it with policy.
func NewGuest(ctx context.Context, wasm []byte, cache wazero.CompilationCache, policy []byte) (*Guest, error) {
	cfg := wazero.NewRuntimeConfig()
	if cache != nil {
		cfg = cfg.WithCompilationCache(cache)
	}
	g := &Guest{rt: wazero.NewRuntimeWithConfig(ctx, cfg), stack: make([]uint64, 9)}
	if err := g.init(ctx, wasm, policy); err != nil {
		_ = g.rt.Close(ctx)
		return nil, err
	}
	return g, nil
}

func (g *Guest) init(ctx context.Context, wasm, policy []byte) error {
	wasi_snapshot_preview1.MustInstantiate(ctx, g.rt)
	i32 := api.ValueTypeI32
	noCrypto := api.GoModuleFunc(func(_ context.Context, _ api.Module, s []uint64) { s[0] = api.EncodeI32(-1) })
	if _, err := g.rt.NewHostModuleBuilder("tollgate").NewFunctionBuilder().
		WithGoModuleFunction(noCrypto, []api.ValueType{i32, i32, i32, i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}).
		Export("verify_signature").Instantiate(ctx); err != nil {
		return err
	}
	mod, err := g.rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName("").
		WithStartFunctions("_initialize").WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader))
	if err != nil {
		return fmt.Errorf("bench: instantiate guest: %w", err)
	}
	g.mod = mod
	if g.validate = mod.ExportedFunction("tg_validate"); g.validate == nil {
		return fmt.Errorf("%w: guest exports no tg_validate", ErrUnexpected)
	}
	g.heapAllocs = mod.ExportedFunction("tg_heap_allocs")
	if g.result, err = g.call(ctx, "tg_result"); err != nil {
		return err
	}
	if g.scratch, err = g.call(ctx, "tg_scratch", 16<<10); err != nil || g.scratch == 0 {
		return fmt.Errorf("%w: tg_scratch: %v", ErrUnexpected, err)
	}
	if !mod.Memory().Write(g.scratch, policy) {
		return fmt.Errorf("%w: policy larger than the scratch buffer", ErrUnexpected)
	}
	status, err := g.call(ctx, "tg_configure", uint64(g.scratch), uint64(len(policy)))
	if err != nil || status != 0 {
		return fmt.Errorf("%w: tg_configure status %d: %v", ErrUnexpected, int32(status), err)
	}
	return nil
}

func (g *Guest) call(ctx context.Context, name string, args ...uint64) (uint32, error) {
	fn := g.mod.ExportedFunction(name)
	if fn == nil {
		return 0, fmt.Errorf("%w: guest exports no %s", ErrUnexpected, name)
	}
	res, err := fn.Call(ctx, args...)
	if err != nil {
		return 0, fmt.Errorf("bench: %s: %w", name, err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return uint32(res[0]), nil
}

// Validate runs tg_validate on the bare token for GET /things at now and
// returns the verdict (0 allow) and whether the guest answered from its
// cache. It does not allocate in the host.
func (g *Guest) Validate(ctx context.Context, token []byte, now int64) (verdict int32, cached bool, err error) {
	mem := g.mod.Memory()
	p := g.scratch
	mem.Write(p, token)
	mem.WriteString(p+uint32(len(token)), Method)
	mem.WriteString(p+uint32(len(token)+len(Method)), Path)
	s := g.stack
	s[0], s[1], s[2] = uint64(p), uint64(len(token)), uint64(now)
	s[3], s[4] = uint64(p+uint32(len(token))), uint64(len(Method))
	s[5], s[6] = uint64(p+uint32(len(token)+len(Method))), uint64(len(Path))
	if err := g.validate.CallWithStack(ctx, s); err != nil {
		return 0, false, err
	}
	verdict = int32(uint32(s[0]))
	if verdict < 0 {
		return verdict, false, nil
	}
	desc, _ := mem.Read(g.result, 8)
	rec, ok := mem.Read(binary.LittleEndian.Uint32(desc), 4)
	if !ok {
		return verdict, false, fmt.Errorf("%w: result record out of range", ErrUnexpected)
	}
	return verdict, binary.LittleEndian.Uint32(rec)&1 != 0, nil
}

// HeapAllocs returns the guest's cumulative heap allocation count, or
// false when the module does not export tg_heap_allocs.
func (g *Guest) HeapAllocs(ctx context.Context) (uint64, bool) {
	if g.heapAllocs == nil {
		return 0, false
	}
	if err := g.heapAllocs.CallWithStack(ctx, g.stack); err != nil {
		return 0, false
	}
	return g.stack[0], true
}

// MemoryBytes returns the size of the guest's linear memory.
func (g *Guest) MemoryBytes() uint64 { return uint64(g.mod.Memory().Size()) }

// Close releases the runtime.
func (g *Guest) Close(ctx context.Context) error { return g.rt.Close(ctx) }
