//go:build !wasm

package envoytest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"time"
	_ "unsafe" // go:linkname

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// The SDK's host ABI: the "env" host module whose functions forward every
// proxy_* host call to the registered emulator, and the context key that
// routes DispatchHttpCall answers to the calling plugin context. proxytest
// keeps both unexported; NewWasmVMContext, their only user, fixes the module
// configuration (and with it the clock). Pinned SDK version: if these names
// change, the test binary fails to link.
//
//go:linkname exportHostABI github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest.exportHostABI
func exportHostABI(ctx context.Context, r wazero.Runtime) error

//go:linkname withPluginContextID github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest.withPluginContextID
func withPluginContextID(ctx context.Context, id uint32) context.Context

// Keep proxytest linked even if only the linknamed symbols are used.
var _ = proxytest.PluginContextID

// runtime holds the SDK's host module, WASI and the compiled filter; every
// test instantiates the filter afresh from it.
type runtime struct {
	r        wazero.Runtime
	compiled wazero.CompiledModule
}

func newRuntime(ctx context.Context, wasm []byte) (*runtime, error) {
	r := wazero.NewRuntime(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return nil, err
	}
	if err := exportHostABI(ctx, r); err != nil {
		return nil, err
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	return &runtime{r: r, compiled: compiled}, nil
}

// clock is a guest clock under the test's control: the wall clock stands
// still at the time it was set to, and moves only with Advance; the
// monotonic clock runs in real time and jumps with Advance too, so that the
// guest's time.Now() comparisons see the same jumps.
type clock struct {
	mu     sync.Mutex
	wall   time.Time
	offset time.Duration
}

func stoppedClock(unix int64) *clock {
	return &clock{wall: time.Unix(unix, 0)}
}

// Advance moves both clocks forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = c.wall.Add(d)
	c.offset += d
}

func (c *clock) walltime() (int64, int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall.Unix(), int32(c.wall.Nanosecond())
}

// nanotime is stopped as well, moving only by Advance: the filter schedules
// its fetches with time.Time's monotonic reading, so a monotonic clock that
// ran in real time would make the schedule tests depend on how fast a loaded
// machine runs them.
func (c *clock) nanotime() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(time.Second + c.offset)
}

// guest is one instance of the filter, a types.VMContext for
// proxytest.NewEmulatorOption().WithVMContext, like the one
// proxytest.NewWasmVMContext returns but with a clock: clk, or the host's
// real clock when clk is nil. A trap is recorded (see err), never hidden: the
// call that trapped returns a value that stops the request.
type guest struct {
	mod api.Module
	ctx context.Context

	mu   sync.Mutex
	trap error
}

func (rt *runtime) instantiate(ctx context.Context, clk *clock) (*guest, error) {
	cfg := wazero.NewModuleConfig().WithName("").
		WithStartFunctions("_initialize").
		WithRandSource(rand.Reader).
		WithStderr(os.Stderr)
	if clk == nil {
		cfg = cfg.WithSysWalltime().WithSysNanotime()
	} else {
		cfg = cfg.WithWalltime(clk.walltime, sys.ClockResolution(1)).WithNanotime(clk.nanotime, sys.ClockResolution(1))
	}
	mod, err := rt.r.InstantiateModule(ctx, rt.compiled, cfg)
	if err != nil {
		return nil, err
	}
	return &guest{mod: mod, ctx: ctx}, nil
}

// err returns the first trap, if any.
func (g *guest) err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.trap
}

func (g *guest) close() error { return g.mod.Close(g.ctx) }

// call calls an export. On a trap it records the error and returns fallback.
func (g *guest) call(ctx context.Context, fallback uint64, name string, args ...uint64) uint64 {
	fn := g.mod.ExportedFunction(name)
	if fn == nil {
		g.record(fmt.Errorf("no export %s", name))
		return fallback
	}
	res, err := fn.Call(ctx, args...)
	if err != nil {
		g.record(fmt.Errorf("%s%v trapped: %w", name, args, err))
		return fallback
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func (g *guest) record(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.trap == nil {
		g.trap = err
	}
}

// OnVMStart implements types.VMContext.
func (g *guest) OnVMStart(size int) types.OnVMStartStatus {
	return g.call(g.ctx, 0, "proxy_on_vm_start", 0, uint64(size)) == 1
}

// NewPluginContext implements types.VMContext.
func (g *guest) NewPluginContext(id uint32) types.PluginContext {
	ctx := withPluginContextID(g.ctx, id)
	g.call(ctx, 0, "proxy_on_context_create", uint64(id), 0)
	return &guestPlugin{g: g, id: uint64(id), ctx: ctx}
}

// guestPlugin is a plugin context of the guest.
type guestPlugin struct {
	g   *guest
	id  uint64
	ctx context.Context
}

func (p *guestPlugin) OnPluginStart(size int) types.OnPluginStartStatus {
	return p.g.call(p.ctx, 0, "proxy_on_configure", p.id, uint64(size)) == 1
}

func (p *guestPlugin) OnPluginDone() bool {
	return p.g.call(p.ctx, 1, "proxy_on_done", p.id) == 1
}

func (p *guestPlugin) OnQueueReady(queue uint32) {
	p.g.call(p.ctx, 0, "proxy_on_queue_ready", p.id, uint64(queue))
}

func (p *guestPlugin) OnTick() { p.g.call(p.ctx, 0, "proxy_on_tick", p.id) }

func (p *guestPlugin) NewTcpContext(uint32) types.TcpContext { return nil }

func (p *guestPlugin) NewHttpContext(id uint32) types.HttpContext {
	p.g.call(p.ctx, 0, "proxy_on_context_create", uint64(id), p.id)
	return &guestStream{g: p.g, id: uint64(id), ctx: p.ctx}
}

// guestStream is an HTTP context of the guest. A trap stops the stream.
type guestStream struct {
	g   *guest
	id  uint64
	ctx context.Context
}

const pause = uint64(types.ActionPause)

func flag(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (s *guestStream) OnHttpRequestHeaders(n int, end bool) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_request_headers", s.id, uint64(n), flag(end)))
}

func (s *guestStream) OnHttpRequestBody(n int, end bool) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_request_body", s.id, uint64(n), flag(end)))
}

func (s *guestStream) OnHttpRequestTrailers(n int) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_request_trailers", s.id, uint64(n)))
}

func (s *guestStream) OnHttpResponseHeaders(n int, end bool) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_response_headers", s.id, uint64(n), flag(end)))
}

func (s *guestStream) OnHttpResponseBody(n int, end bool) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_response_body", s.id, uint64(n), flag(end)))
}

func (s *guestStream) OnHttpResponseTrailers(n int) types.Action {
	return types.Action(s.g.call(s.ctx, pause, "proxy_on_response_trailers", s.id, uint64(n)))
}

// OnHttpStreamDone ends the stream as Envoy does: proxy_on_log, then
// proxy_on_delete, so the guest forgets the context.
func (s *guestStream) OnHttpStreamDone() {
	s.g.call(s.ctx, 0, "proxy_on_log", s.id)
	s.g.call(s.ctx, 0, "proxy_on_delete", s.id)
}
