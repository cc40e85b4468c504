package main

// These tests run every build of the validator in wazero (validator.wasm,
// built here unless TOLLGATE_VALIDATOR_WASM names it, and
// validator-tinygo.wasm) and check the ABI of wasm/ABI.md from the outside,
// as every host sees it. (The package's Go code only makes sense compiled for
// wasm: addresses are 32-bit there.)

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// The modules under test, every build of the validator, are compiled once in
// one runtime; each test instantiates them afresh, in a subtest per module.
var (
	wasmRuntime wazero.Runtime
	modules     = []*module{
		{name: "standard", load: loadStandard},
		{name: "tinygo", load: loadTinyGo},
	}
)

// module is one build of validator.wasm.
type module struct {
	name     string
	load     func(dir string) (wasm []byte, skip string, err error)
	compiled wazero.CompiledModule
	skip     string // why the module's tests skip, if they do
}

// loadStandard reads the module TOLLGATE_VALIDATOR_WASM names, or builds it
// with the standard Go toolchain into dir.
func loadStandard(dir string) ([]byte, string, error) {
	if p := os.Getenv("TOLLGATE_VALIDATOR_WASM"); p != "" {
		b, err := os.ReadFile(p)
		return b, "", err
	}
	out := filepath.Join(dir, "validator.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, ".")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("build validator.wasm: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	return b, "", err
}

// loadTinyGo reads bin/validator-tinygo.wasm (make wasm-tinygo), or the file
// TOLLGATE_TINYGO_WASM names. A missing module skips its tests, unless
// TOLLGATE_REQUIRE_TINYGO is set (.ci/run sets it).
func loadTinyGo(string) ([]byte, string, error) {
	path := os.Getenv("TOLLGATE_TINYGO_WASM")
	if path == "" {
		path = "../../../bin/validator-tinygo.wasm"
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("TOLLGATE_REQUIRE_TINYGO") == "" {
		return nil, path + " not built (make wasm-tinygo); set TOLLGATE_REQUIRE_TINYGO to make this a failure", nil
	}
	return b, "", err
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "validator-wasm-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx := context.Background()
	wasmRuntime = wazero.NewRuntime(ctx)
	defer func() { _ = wasmRuntime.Close(ctx) }()
	wasi_snapshot_preview1.MustInstantiate(ctx, wasmRuntime)
	if err := instantiateHostCrypto(ctx, wasmRuntime); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, mod := range modules {
		wasm, skip, err := mod.load(dir)
		if err == nil && skip == "" {
			mod.compiled, err = wasmRuntime.CompileModule(ctx, wasm)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s module: %v\n", mod.name, err)
			return 1
		}
		mod.skip = skip
	}
	return m.Run()
}

// forEachModule runs f in a subtest per module, named after it; a module
// that is not built skips.
func forEachModule[T interface {
	Run(string, func(T)) bool
	Skip(...any)
}](t T, f func(T, *module)) {
	for _, mod := range modules {
		t.Run(mod.name, func(t T) {
			if mod.skip != "" {
				t.Skip(mod.skip)
			}
			f(t, mod)
		})
	}
}

// guest is one raw instance of a module. When nativeCrypto is unset its
// tollgate.verify_signature answers -1, so the guest verifies signatures
// itself.
type guest struct {
	t   testing.TB
	ctx context.Context
	mod api.Module
}

func newGuest(t testing.TB, m *module) *guest {
	t.Helper()
	ctx := context.Background()
	mod, err := wasmRuntime.InstantiateModule(ctx, m.compiled, wazero.NewModuleConfig().WithName("").
		WithStartFunctions("_initialize").WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mod.Close(ctx) })
	return &guest{t: t, ctx: ctx, mod: mod}
}

// call calls an export and fails the test if it traps.
func (g *guest) call(name string, args ...uint64) uint64 {
	g.t.Helper()
	fn := g.mod.ExportedFunction(name)
	if fn == nil {
		g.t.Fatalf("no export %s", name)
	}
	res, err := fn.Call(g.ctx, args...)
	if err != nil {
		g.t.Fatalf("%s%v trapped: %v", name, args, err)
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func (g *guest) status(name string, args ...uint64) int32 {
	return int32(uint32(g.call(name, args...)))
}

// put copies b into a fresh tg_alloc buffer.
func (g *guest) put(b []byte) (ptr, n uint64) {
	g.t.Helper()
	if len(b) == 0 {
		return 0, 0
	}
	p := g.call("tg_alloc", uint64(len(b)))
	if p == 0 || !g.mod.Memory().Write(uint32(p), b) {
		g.t.Fatalf("tg_alloc(%d) = %d", len(b), p)
	}
	return p, uint64(len(b))
}

// record reads the result record.
func (g *guest) record() (flags uint32, expiry int64, fields [3]string) {
	g.t.Helper()
	mem := g.mod.Memory()
	d := uint32(g.call("tg_result"))
	ptr, _ := mem.ReadUint32Le(d)
	n, _ := mem.ReadUint32Le(d + 4)
	b, ok := mem.Read(ptr, n)
	if !ok || len(b) < 12 {
		g.t.Fatalf("record at %d+%d unreadable", ptr, n)
	}
	flags, expiry = binary.LittleEndian.Uint32(b), int64(binary.LittleEndian.Uint64(b[4:]))
	b = b[12:]
	for i := range fields {
		l := binary.LittleEndian.Uint32(b)
		fields[i], b = string(b[4:4+l]), b[4+l:]
	}
	if len(b) != 0 {
		g.t.Fatalf("%d trailing bytes in record", len(b))
	}
	return flags, expiry, fields
}

// configure passes a policy and fails unless it is accepted.
func (g *guest) configure(policy []byte) {
	g.t.Helper()
	p, n := g.put(policy)
	if s := g.status("tg_configure", p, n); s != 0 {
		_, _, f := g.record()
		g.t.Fatalf("tg_configure = %d: %s", s, f[0])
	}
}

// validate calls tg_validate (or tg_authorize) with inputs in tg_alloc buffers.
func (g *guest) validate(export string, cred, method, path string, now int64) int32 {
	g.t.Helper()
	cp, cn := g.put([]byte(cred))
	mp, mn := g.put([]byte(method))
	pp, pn := g.put([]byte(path))
	v := g.status(export, cp, cn, uint64(now), mp, mn, pp, pn)
	for _, p := range []uint64{cp, mp, pp} {
		if p != 0 {
			g.call("tg_free", p)
		}
	}
	return v
}

// es256 is a test signer.
type es256 struct {
	kid  string
	priv *ecdsa.PrivateKey
}

func newES256(t testing.TB, kid string) *es256 {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &es256{kid: kid, priv: priv}
}

func (k *es256) jwks() json.RawMessage {
	b, _ := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": k.kid,
		"x": base64.RawURLEncoding.EncodeToString(k.priv.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(k.priv.Y.FillBytes(make([]byte, 32))),
	}}})
	return b
}

func (k *es256) token(t testing.TB, claims map[string]any) string {
	hdr, _ := json.Marshal(map[string]any{"alg": "ES256", "typ": "at+jwt", "kid": k.kid})
	body, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, k.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

const issuer = "https://issuer.test/o"

func testClaims(now int64, jti, scope string) map[string]any {
	return map[string]any{
		"iss": issuer, "sub": "alice", "aud": "api", "client_id": "cli",
		"scope": scope, "iat": now, "exp": now + 600, "jti": jti,
	}
}

func testPolicy(jwks json.RawMessage) []byte {
	b, _ := json.Marshal(map[string]any{
		"issuer": issuer, "audiences": []string{"api"}, "scopes": []string{"read"},
		"jwks":   jwks,
		"routes": []any{map[string]any{"method": "POST", "path": "/admin/*", "scopes": []string{"admin"}}},
	})
	return b
}

func TestABIVersion(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		if v := g.status("tg_abi_version"); v != 1 {
			t.Fatalf("tg_abi_version = %d, want 1", v)
		}
		if g.mod.ExportedFunction("_start") != nil {
			t.Error("module exports _start: not a reactor")
		}
	})
}

// TestHeapReserved checks that the TinyGo build grows its heap once at load
// (heap_tinygo.go): without it, TinyGo's collector runs on nearly every
// signature verification. The standard Go runtime sizes its heap by GOGC and
// reserves nothing, so there is nothing to check there.
func TestHeapReserved(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		if m.name != "tinygo" {
			t.Skip("only the TinyGo build reserves heap at load")
		}
		g := newGuest(t, m)
		if size := g.mod.Memory().Size(); size < 4<<20 {
			t.Fatalf("memory after _initialize: %d bytes, want at least the 4 MiB reserve", size)
		}
	})
}

func TestNotConfigured(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		p, n := g.put([]byte(`{"keys":[]}`))
		for _, tc := range []struct {
			name string
			got  int32
		}{
			{"tg_set_keys", g.status("tg_set_keys", p, n)},
			{"tg_set_revocations", g.status("tg_set_revocations", p, n)},
			{"tg_validate", g.validate("tg_validate", "a.b.c", "GET", "/", 0)},
			{"tg_authorize", g.validate("tg_authorize", "Bearer a.b.c", "GET", "/", 0)},
		} {
			if tc.got != -1 {
				t.Errorf("%s before tg_configure = %d, want -1", tc.name, tc.got)
			}
		}
	})
}

func TestConfigureRejects(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		tests := []struct {
			name, policy string
		}{
			{"not JSON", `{"issuer":`},
			{"unknown field", `{"issuer":"x","audiences":["a"],"jwks":{"keys":[]},"nope":true}`},
			{"array", `[]`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, n := g.put([]byte(tt.policy))
				if s := g.status("tg_configure", p, n); s != 1 {
					t.Fatalf("tg_configure = %d, want 1", s)
				}
				if _, _, f := g.record(); f[0] == "" {
					t.Error("rejection without a message")
				}
			})
		}
	})
}

func TestVerdictsAndRecord(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		k := newES256(t, "k1")
		g.configure(testPolicy(k.jwks()))
		now := time.Now().Unix()
		tok := k.token(t, testClaims(now, "j1", "read"))

		tests := []struct {
			name, export, cred, method, path string
			want                             int32
			wantFields                       [3]string // "*": any non-empty value
			wantFlags                        uint32
		}{
			{"allow", "tg_validate", tok, "GET", "/x", 0, [3]string{"alice", "cli", "read"}, 0},
			{"allow again from cache", "tg_validate", tok, "GET", "/x", 0, [3]string{"alice", "cli", "read"}, 1},
			{"authorize", "tg_authorize", "Bearer " + tok, "GET", "/x", 0, [3]string{"alice", "cli", "read"}, 1},
			{"no token", "tg_authorize", "", "GET", "/x", 4, [3]string{}, 0},
			{"another scheme", "tg_authorize", "Token abc", "GET", "/x", 4, [3]string{}, 0},
			{"malformed header", "tg_authorize", "Bearer a b", "GET", "/x", 1, [3]string{"*", "", ""}, 0},
			{"garbage", "tg_validate", "abc", "GET", "/x", 2, [3]string{"*", "", ""}, 0},
			{"unknown kid", "tg_validate", newES256(t, "k9").token(t, testClaims(now, "j2", "read")), "GET", "/x", 2, [3]string{"*", "", ""}, 2},
			{"insufficient scope", "tg_validate", tok, "POST", "/admin/x", 3, [3]string{"*", "*", ""}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if v := g.validate(tt.export, tt.cred, tt.method, tt.path, now); v != tt.want {
					_, _, f := g.record()
					t.Fatalf("verdict = %d (%q), want %d", v, f[0], tt.want)
				}
				flags, expiry, f := g.record()
				if flags != tt.wantFlags {
					t.Errorf("flags = %b, want %b", flags, tt.wantFlags)
				}
				if (tt.want == 0) != (expiry == now+600) {
					t.Errorf("expiry = %d", expiry)
				}
				for i, w := range tt.wantFields {
					if (w == "*" && f[i] == "") || (w != "*" && f[i] != w) {
						t.Errorf("field %d = %q, want %q", i, f[i], w)
					}
				}
			})
		}
	})
}

// TestHostClock checks the guest uses the time it is given, not its own.
func TestHostClock(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		k := newES256(t, "k1")
		g.configure(testPolicy(k.jwks()))
		past := int64(1_500_000_000) // 2017: the guest's own clock says otherwise
		tok := k.token(t, testClaims(past, "j1", "read"))
		if v := g.validate("tg_validate", tok, "GET", "/", past+10); v != 0 {
			t.Errorf("at iat+10: verdict %d, want 0", v)
		}
		if v := g.validate("tg_validate", tok, "GET", "/", past+3600); v != 2 {
			t.Errorf("an hour after iat (exp+50 min): verdict %d, want 2", v)
		}
	})
}

func TestRevocations(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		k := newES256(t, "k1")
		g.configure(testPolicy(k.jwks()))
		now := time.Now().Unix()
		tok := k.token(t, testClaims(now, "revoke-me", "read"))
		if v := g.validate("tg_validate", tok, "GET", "/", now); v != 0 {
			t.Fatalf("verdict %d before revocation", v)
		}
		p, n := g.put([]byte(fmt.Sprintf(`[{"jti":"revoke-me","exp":%d}]`, now+600)))
		if s := g.status("tg_set_revocations", p, n); s != 0 {
			t.Fatalf("tg_set_revocations = %d", s)
		}
		if v := g.validate("tg_validate", tok, "GET", "/", now); v != 2 {
			t.Fatalf("verdict %d after revocation (cached token must be dropped), want 2", v)
		}
		p, n = g.put([]byte(`{"not":"a list"}`))
		if s := g.status("tg_set_revocations", p, n); s != 1 {
			t.Errorf("malformed feed: status %d, want 1", s)
		}
	})
}

func TestBadPointers(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		k := newES256(t, "k1")
		g.configure(testPolicy(k.jwks()))
		memSize := uint64(g.mod.Memory().Size())
		buf := g.call("tg_alloc", 16)
		scratch := g.call("tg_scratch", 100)
		tests := []struct {
			name   string
			ptr, n uint64
		}{
			{"null with length", 0, 10},
			{"past memory", memSize + 100, 10},
			{"wraps around", 0xffff_fff0, 0x100},
			{"max length", scratch, 0xffff_ffff},
			{"overruns a tg_alloc buffer", buf, 17},
			{"straddles the end of scratch", scratch + 4090, 100},
			{"static data", 1024, 8},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, name := range []string{"tg_configure", "tg_set_keys", "tg_set_revocations"} {
					if s := g.status(name, tt.ptr, tt.n); s != -2 {
						t.Errorf("%s = %d, want -2", name, s)
					}
				}
				for _, name := range []string{"tg_validate", "tg_authorize"} {
					if s := g.status(name, tt.ptr, tt.n, 0, 0, 0, 0, 0); s != -2 {
						t.Errorf("%s(token) = %d, want -2", name, s)
					}
					if s := g.status(name, 0, 0, 0, tt.ptr, tt.n, 0, 0); s != -2 {
						t.Errorf("%s(method) = %d, want -2", name, s)
					}
				}
			})
		}
		t.Run("freed buffer", func(t *testing.T) {
			g.call("tg_free", buf)
			if s := g.status("tg_validate", buf, 4, 0, 0, 0, 0, 0); s != -2 {
				t.Errorf("tg_validate on a freed buffer = %d, want -2", s)
			}
			g.call("tg_free", buf) // double free is ignored
			g.call("tg_free", 12345)
		})
	})
}

func TestAllocLimits(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		for _, size := range []uint64{0, 64<<20 + 1, 0xffff_ffff} {
			if p := g.call("tg_alloc", size); p != 0 {
				t.Errorf("tg_alloc(%d) = %d, want 0", size, p)
			}
			if p := g.call("tg_scratch", size); size != 0 && p != 0 {
				t.Errorf("tg_scratch(%d) = %d, want 0", size, p)
			}
		}
		a := g.call("tg_scratch", 10)
		if b := g.call("tg_scratch", 4096); a != b {
			t.Errorf("tg_scratch within capacity moved: %d → %d", a, b)
		}
		if c := g.call("tg_scratch", 1<<20); c == 0 || uint64(g.mod.Memory().Size()) < c+1<<20 {
			t.Errorf("tg_scratch(1 MiB) = %d", c)
		}
	})
}

// TestNeverTraps calls every export with random arguments and random
// documents: no call may trap.
func TestNeverTraps(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		k := newES256(t, "k1")
		rng := mrand.New(mrand.NewPCG(1, 2))
		scratch := uint64(g.call("tg_scratch", 8192))
		mem := g.mod.Memory()
		junk := func() []byte {
			const alphabet = "{}[]\":,.0123456789aeEbnrtulsf-+ \\\x00\xff"
			b := make([]byte, rng.IntN(300))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			return b
		}
		arg := func() uint64 {
			switch rng.IntN(4) {
			case 0:
				return uint64(rng.Uint32())
			case 1:
				return scratch + uint64(rng.IntN(8192))
			case 2:
				return uint64(rng.IntN(400))
			}
			return 0
		}
		exports := []string{"tg_configure", "tg_set_keys", "tg_set_revocations", "tg_validate", "tg_authorize", "tg_alloc", "tg_free", "tg_scratch"}
		for i := range 3000 {
			if i == 1000 {
				g.configure(testPolicy(k.jwks()))
			}
			doc := junk()
			mem.Write(uint32(scratch), doc)
			name := exports[rng.IntN(len(exports))]
			switch name {
			case "tg_validate", "tg_authorize":
				g.call(name, scratch, uint64(len(doc)), uint64(rng.Int64()), arg(), arg(), arg(), arg())
				g.call(name, arg(), arg(), uint64(rng.Int64()), arg(), arg(), arg(), arg())
			case "tg_alloc", "tg_scratch":
				if p := g.call(name, uint64(rng.IntN(1<<16))); name == "tg_alloc" && p != 0 {
					g.call("tg_free", p)
				}
			case "tg_free":
				g.call(name, arg())
			default:
				g.call(name, scratch, uint64(len(doc)))
				g.call(name, arg(), arg())
			}
			scratch = g.call("tg_scratch", 8192)
		}
	})
}

// cachedValidate configures g with a fresh key and returns a tg_validate of
// one token on the cached path, inputs in the scratch buffer and no
// allocation on the host side, as a host's request path makes it. The first
// call verifies the token and caches it.
func cachedValidate(tb testing.TB, g *guest) func() int32 {
	tb.Helper()
	k := newES256(tb, "k1")
	g.configure(testPolicy(k.jwks()))
	now := time.Now().Unix()
	tok := k.token(tb, testClaims(now, "j1", "read"))
	in := tok + "GET" + "/x"
	scratch := g.call("tg_scratch", uint64(len(in)))
	g.mod.Memory().WriteString(uint32(scratch), in)
	validate := g.mod.ExportedFunction("tg_validate")
	stack := make([]uint64, 7)
	return func() int32 {
		stack[0], stack[1], stack[2] = scratch, uint64(len(tok)), uint64(now)
		stack[3], stack[4], stack[5], stack[6] = scratch+uint64(len(tok)), 3, scratch+uint64(len(tok))+3, 2
		if err := validate.CallWithStack(g.ctx, stack); err != nil {
			tb.Fatal(err)
		}
		return int32(uint32(stack[0]))
	}
}

// TestCachedPathAllocatesNothing checks the guest half of the promise that
// the cached path allocates nothing, with inputs in the scratch buffer.
func TestCachedPathAllocatesNothing(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		g := newGuest(t, m)
		call := cachedValidate(t, g)
		if v := call(); v != 0 {
			t.Fatalf("first call: verdict %d", v)
		}
		before := g.call("tg_heap_allocs")
		for range 1000 {
			if v := call(); v != 0 {
				t.Fatalf("verdict %d", v)
			}
		}
		if after := g.call("tg_heap_allocs"); after != before {
			t.Errorf("1000 cached validations allocated %d objects, want 0", after-before)
		}
	})
}
