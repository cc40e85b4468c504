package edge

import (
	"context"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
)

// BenchmarkWazero measures one validation through the host (pool, material
// check, guest call, result copy) per algorithm: cached (the token was
// verified before) and uncached (signature work every time: the policy
// disables the cache), with the signature checked by the host's native
// crypto through the guest's import (the default) or inside the guest.
func BenchmarkWazero(b *testing.B) {
	for _, alg := range algs {
		key := mustKey(b, alg, "k-"+alg)
		jwks := rawJSON(jwksOf(b, key))
		toks := [][]byte{key.sign(b, claims("alice", "read"))}
		method, path := []byte("GET"), []byte("/things")
		b.Run(alg+"/cached", func(b *testing.B) {
			h := newTestHost(b, Options{PoolSize: 1, Policy: policyDoc(b, map[string]any{"jwks": jwks})})
			var d Decision
			ctx := context.Background()
			_ = h.Validate(ctx, toks[0], method, path, &d)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := h.Validate(ctx, toks[0], method, path, &d); err != nil || !d.Cached {
					b.Fatalf("err %v verdict %v cached %v", err, d.Verdict, d.Cached)
				}
			}
		})
		for _, mode := range []struct {
			name string
			m    *Module
		}{{"uncached", testCompiled}, {"uncached-guestcrypto", testGuestOnly}} {
			b.Run(alg+"/"+mode.name, func(b *testing.B) {
				h := newTestHost(b, Options{Compiled: mode.m, PoolSize: 1, Policy: policyDoc(b, map[string]any{"jwks": jwks, "cache_entries": 0})})
				var d Decision
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if err := h.Validate(ctx, toks[0], method, path, &d); err != nil || d.Verdict != Allow || d.Cached {
						b.Fatalf("err %v verdict %v (%s) cached %v", err, d.Verdict, d.Description, d.Cached)
					}
				}
			})
		}
	}
}

// BenchmarkWazeroParallel is the cached path from GOMAXPROCS goroutines
// through the default pool (one instance per CPU): the pool's checkout and
// return under contention.
func BenchmarkWazeroParallel(b *testing.B) {
	key := mustKey(b, "ES256", "k")
	tok := key.sign(b, claims("alice", "read"))
	h := newTestHost(b, Options{Policy: policyDoc(b, map[string]any{"jwks": rawJSON(jwksOf(b, key))})})
	method, path := []byte("GET"), []byte("/things")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var d Decision
		ctx := context.Background()
		for pb.Next() {
			if err := h.Validate(ctx, tok, method, path, &d); err != nil || d.Verdict != Allow {
				b.Fatalf("err %v verdict %v", err, d.Verdict)
			}
		}
	})
}

// BenchmarkModuleStart measures what a process start costs per module once
// the on-disk compilation cache is warm: a new runtime loads the compiled
// code from disk, then instantiates and configures one instance. It reports
// the instance's linear memory after a validation and the Go heap the host
// keeps per instance.
func BenchmarkModuleStart(b *testing.B) {
	key := mustKey(b, "ES256", "k1")
	policy := policyDoc(b, map[string]any{"jwks": rawJSON(jwksOf(b, key))})
	dir := b.TempDir()
	ctx := context.Background()
	warm, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(ctx, Options{Policy: policy, Module: testModule, CompilationCache: warm, PoolSize: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if err := warm.Close(ctx); err != nil {
		b.Fatal(err)
	}

	b.Run("compile-cached+instantiate", func(b *testing.B) {
		for b.Loop() {
			h, err := New(ctx, Options{Policy: policy, Module: testModule, CacheDir: dir, PoolSize: 1})
			if err != nil {
				b.Fatal(err)
			}
			if err := h.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memory-per-instance", func(b *testing.B) {
		const n = 8
		tok := append([]byte("Bearer "), key.sign(b, claims("alice", "read"))...)
		for b.Loop() {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			h, err := New(ctx, Options{Policy: policy, Module: testModule, CacheDir: dir, PoolSize: n})
			if err != nil {
				b.Fatal(err)
			}
			var d Decision
			for range n { // the pool is FIFO: each instance validates once
				if err := h.Authorize(ctx, tok, []byte("GET"), []byte("/"), &d); err != nil || d.Verdict != Allow {
					b.Fatal(err, d.Verdict)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			var pages uint32
			lent := make([]*instance, n)
			for i := range lent {
				lent[i], _ = h.pool.get(ctx)
				pages += lent[i].mem.Size()
			}
			for _, in := range lent {
				h.pool.put(in)
			}
			b.ReportMetric(float64(pages)/n/(1<<20), "linear-MiB/instance")
			b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n/(1<<20), "heap-MiB/instance")
			if err := h.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
