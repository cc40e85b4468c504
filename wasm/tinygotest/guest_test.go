package tinygotest

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// guest is a bare instance of a validator module (wasm/ABI.md) whose host
// offers no native cryptography: tollgate.verify_signature answers -1, so
// the guest verifies signatures itself.
type guest struct {
	t   testing.TB
	ctx context.Context
	mod api.Module
}

func newGuest(t testing.TB, wasm []byte) *guest {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	t.Cleanup(func() { _ = r.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	_, err := r.NewHostModuleBuilder("tollgate").NewFunctionBuilder().
		WithFunc(func(alg, aPtr, aLen, bPtr, bLen, msgPtr, msgLen, sigPtr, sigLen uint32) int32 { return -1 }).
		Export("verify_signature").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions("_initialize").
		WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader))
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, ctx: ctx, mod: mod}
}

// call calls an export and fails the test if it traps.
func (g *guest) call(name string, args ...uint64) int32 {
	g.t.Helper()
	res, err := g.mod.ExportedFunction(name).Call(g.ctx, args...)
	if err != nil {
		g.t.Fatalf("%s trapped: %v", name, err)
	}
	if len(res) == 0 {
		return 0
	}
	return int32(uint32(res[0]))
}

// put copies b into a new tg_alloc buffer; free it with tg_free.
func (g *guest) put(b []byte) (ptr, n uint64) {
	g.t.Helper()
	if len(b) == 0 {
		return 0, 0
	}
	p := uint64(uint32(g.call("tg_alloc", uint64(len(b)))))
	if p == 0 || !g.mod.Memory().Write(uint32(p), b) {
		g.t.Fatalf("tg_alloc(%d) failed", len(b))
	}
	return p, uint64(len(b))
}

// TestHeapReserved checks that the TinyGo build grows its heap once at
// load (wasm/cmd/validator/heap_tinygo.go): without it, TinyGo's collector
// runs on nearly every signature verification.
func TestHeapReserved(t *testing.T) {
	requireModule(t)
	g := newGuest(t, tinygoWasm)
	if size := g.mod.Memory().Size(); size < 4<<20 {
		t.Fatalf("memory after _initialize: %d bytes, want at least the 4 MiB reserve", size)
	}
}

// TestWycheproofSignatures runs every Wycheproof signature vector through
// tg_verify_signature: TinyGo's compilation of the standard library's
// ECDSA, Ed25519 and RSA must agree with the tables.
func TestWycheproofSignatures(t *testing.T) {
	requireModule(t)
	vectors, err := conformance.SignatureVectors()
	if err != nil {
		t.Fatal(err)
	}
	g := newGuest(t, tinygoWasm)
	for _, v := range vectors {
		var args []uint64
		for _, b := range [][]byte{[]byte(v.Alg), v.JWK, v.Msg, v.Sig} {
			p, n := g.put(b)
			args = append(args, p, n)
		}
		got := g.call("tg_verify_signature", args...)
		for i := 0; i < len(args); i += 2 {
			if args[i] != 0 {
				g.call("tg_free", args[i])
			}
		}
		if got != 0 && got != 1 {
			t.Fatalf("%s: status %d", v.Name, got)
		}
		if (got == 1) != v.Valid {
			t.Errorf("%s: verdict %v, want %v %s", v.Name, got == 1, v.Valid, v.Note)
		}
	}
	if len(vectors) < 700 {
		t.Errorf("only %d vectors", len(vectors))
	}
}

// TestWycheproofJWS runs Wycheproof's JWS and JWK vectors through
// tg_configure (the vector's keys inline) and tg_verify_jws.
func TestWycheproofJWS(t *testing.T) {
	requireModule(t)
	vectors, err := conformance.JWSVectors()
	if err != nil {
		t.Fatal(err)
	}
	g := newGuest(t, tinygoWasm)
	accepted := 0
	for _, v := range vectors {
		p, n := g.put(v.Policy)
		s := g.call("tg_configure", p, n)
		g.call("tg_free", p)
		got := false
		switch s {
		case 0:
			tp, tn := g.put([]byte(v.Token))
			verdict := g.call("tg_verify_jws", tp, tn)
			if tp != 0 {
				g.call("tg_free", tp)
			}
			if verdict != 0 && verdict != 2 {
				t.Fatalf("%s: verdict %d", v.Name, verdict)
			}
			got = verdict == 0
		case 1: // policy refused: the vector is rejected
		default:
			t.Fatalf("%s: tg_configure = %d", v.Name, s)
		}
		if got != v.Valid {
			t.Errorf("%s: verdict %v, want %v %s", v.Name, got, v.Valid, v.Note)
		}
		if got {
			accepted++
		}
	}
	if accepted == 0 || len(vectors) < 400 {
		t.Errorf("%d of %d vectors accepted", accepted, len(vectors))
	}
}
