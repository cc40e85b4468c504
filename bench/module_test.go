package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/tollgate/tollgate/edge"
)

// guestModules are the module builds measured through the raw ABI.
var guestModules = []struct {
	name string
	load func() ([]byte, error)
}{
	{"standard", StandardModule},
	{"tinygo", TinyGoModule},
}

func loadModule(tb testing.TB, load func() ([]byte, error)) []byte {
	tb.Helper()
	wasm, err := load()
	if err != nil {
		tb.Skip(err)
	}
	return wasm
}

// BenchmarkGuestCached measures the cached path inside the guest alone,
// through the raw ABI with no host library: tg_validate of a token the
// guest verified before. guest-allocs/op is the guest's own heap
// allocation count per call (tg_heap_allocs), which the cached path must
// keep at zero.
func BenchmarkGuestCached(b *testing.B) {
	f := mustFixture(b)
	ctx := context.Background()
	for _, m := range guestModules {
		b.Run(m.name, func(b *testing.B) {
			wasm := loadModule(b, m.load)
			for _, alg := range Algorithms {
				b.Run(alg, func(b *testing.B) {
					g, err := NewGuest(ctx, wasm, compilationCache(), f.Policy(nil))
					if err != nil {
						b.Fatal(err)
					}
					defer func() { _ = g.Close(ctx) }()
					tok := mustToken(b, alg)
					now := time.Now().Unix()
					if v, _, err := g.Validate(ctx, tok, now); err != nil || v != 0 {
						b.Fatalf("verdict %d, err %v", v, err)
					}
					before, ok := g.HeapAllocs(ctx)
					b.ReportAllocs()
					for b.Loop() {
						if v, hit, err := g.Validate(ctx, tok, now); err != nil || v != 0 || !hit {
							b.Fatalf("verdict %d, cache hit %v, err %v", v, hit, err)
						}
					}
					b.StopTimer()
					if after, ok2 := g.HeapAllocs(ctx); ok && ok2 {
						b.ReportMetric(float64(after-before)/float64(b.N), "guest-allocs/op")
					}
				})
			}
		})
	}
}

// BenchmarkModuleStart measures what starting the validator costs in the
// edge host, per module build:
//
//   - compile-cached+instantiate: what a process restart does, in two
//     timed steps: edge.Compile in a new runtime with a warm on-disk
//     compilation cache (decode and validate the binary, load the compiled
//     code: compile-ms), then edge.New on it (instantiate one instance, run
//     _initialize, configure the policy: instantiate-ms). start-ms is their
//     sum; ns/op also counts closing both.
//   - memory-per-instance: a host with 8 pooled instances, each having
//     validated a token; reports per instance the Go heap growth
//     (heap-MiB/instance: wazero keeps linear memory on the Go heap), the
//     resident set growth (rss-MiB/instance) and the guest's linear memory
//     (linear-MiB/instance, from a raw instance in the same state).
func BenchmarkModuleStart(b *testing.B) {
	f := mustFixture(b)
	ctx := context.Background()
	policy := f.Policy(nil)
	for _, m := range guestModules {
		b.Run(m.name, func(b *testing.B) {
			wasm := loadModule(b, m.load)
			dir := b.TempDir()
			warm, err := wazero.NewCompilationCacheWithDir(dir)
			if err != nil {
				b.Fatal(err)
			}
			h, err := edge.New(ctx, edge.Options{Policy: policy, Module: wasm, CompilationCache: warm, PoolSize: 1})
			if err != nil {
				b.Fatal(err)
			}
			_ = h.Close(ctx)
			_ = warm.Close(ctx)

			b.Run("compile-cached+instantiate", func(b *testing.B) {
				var compile, instantiate time.Duration
				for b.Loop() {
					t0 := time.Now()
					mod, err := edge.Compile(ctx, edge.Options{Module: wasm, CacheDir: dir})
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					h, err := edge.New(ctx, edge.Options{Policy: policy, Compiled: mod, PoolSize: 1})
					if err != nil {
						b.Fatal(err)
					}
					t2 := time.Now()
					compile, instantiate = compile+t1.Sub(t0), instantiate+t2.Sub(t1)
					_ = h.Close(ctx)
					_ = mod.Close(ctx)
				}
				ms := func(d time.Duration) float64 { return float64(d) / float64(b.N) / 1e6 }
				b.ReportMetric(ms(compile), "compile-ms")
				b.ReportMetric(ms(instantiate), "instantiate-ms")
				b.ReportMetric(ms(compile+instantiate), "start-ms")
			})
			b.Run("memory-per-instance", func(b *testing.B) {
				const n = 8
				tok := append([]byte("Bearer "), mustToken(b, "ES256")...)
				mod, err := edge.Compile(ctx, edge.Options{Module: wasm, CacheDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				defer func() { _ = mod.Close(ctx) }()
				for b.Loop() {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					rss0 := residentBytes()
					h, err := edge.New(ctx, edge.Options{Policy: policy, Compiled: mod, PoolSize: n})
					if err != nil {
						b.Fatal(err)
					}
					var d edge.Decision
					for range n { // the pool is FIFO: each instance validates once
						if err := h.Authorize(ctx, tok, []byte(Method), []byte(Path), &d); err != nil || d.Verdict != edge.Allow {
							b.Fatal(err, d.Verdict)
						}
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					rss1 := residentBytes()
					b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n/(1<<20), "heap-MiB/instance")
					b.ReportMetric(float64(rss1-rss0)/n/(1<<20), "rss-MiB/instance")
					_ = h.Close(ctx)
				}
				g, err := NewGuest(ctx, wasm, compilationCache(), policy)
				if err != nil {
					b.Fatal(err)
				}
				defer func() { _ = g.Close(ctx) }()
				if v, _, err := g.Validate(ctx, tok[len("Bearer "):], time.Now().Unix()); err != nil || v != 0 {
					b.Fatal(v, err)
				}
				b.ReportMetric(float64(g.MemoryBytes())/(1<<20), "linear-MiB/instance")
			})
		})
	}
}

// BenchmarkModuleStartFloor measures the start of an empty standard-Go
// reactor (bench/testdata/emptyguest, built like validator.wasm) the way
// BenchmarkModuleStart/standard does — a new runtime with WASI and the warm
// on-disk cache, compile, then instantiate and run _initialize — so the
// report can tell the Go runtime's own cost from the validator's.
func BenchmarkModuleStartFloor(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	wasmPath := filepath.Join(dir, "emptyguest.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", wasmPath, "./bench/testdata/emptyguest")
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("building the empty module: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		b.Fatal(err)
	}
	cacheDir := filepath.Join(dir, "cache")
	start := func() (compile, instantiate time.Duration) {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = cache.Close(ctx) }()
		t0 := time.Now()
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
		defer func() { _ = r.Close(ctx) }()
		wasi_snapshot_preview1.MustInstantiate(ctx, r)
		mod, err := r.CompileModule(ctx, wasm)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := r.InstantiateModule(ctx, mod, wazero.NewModuleConfig().WithStartFunctions("_initialize")); err != nil {
			b.Fatal(err)
		}
		return t1.Sub(t0), time.Since(t1)
	}
	start() // warm the cache
	b.Run("go-empty/compile-cached+instantiate", func(b *testing.B) {
		var compile, instantiate time.Duration
		for b.Loop() {
			c, i := start()
			compile, instantiate = compile+c, instantiate+i
		}
		ms := func(d time.Duration) float64 { return float64(d) / float64(b.N) / 1e6 }
		b.ReportMetric(ms(compile), "compile-ms")
		b.ReportMetric(ms(instantiate), "instantiate-ms")
		b.ReportMetric(ms(compile+instantiate), "start-ms")
		b.ReportMetric(float64(len(wasm)), "module-bytes")
	})
}

// residentBytes returns the process's resident set size from
// /proc/self/statm, or 0 where it is unavailable.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
