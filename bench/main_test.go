package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/tollgate/tollgate/edge"
)

// tmpDir holds the fixture's store for the whole test binary.
var tmpDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tollgate-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpDir = dir
	code := m.Run()
	if f, err := fixture(); err == nil && f != nil {
		_ = f.Close()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is the in-process issuer, made once per test binary (RSA key
// generation is slow).
var fixture = sync.OnceValues(func() (*Fixture, error) { return NewFixture(tmpDir) })

func mustFixture(tb testing.TB) *Fixture {
	tb.Helper()
	f, err := fixture()
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// tokens holds one minted token per algorithm.
var tokens = sync.OnceValues(func() (map[string][]byte, error) {
	f, err := fixture()
	if err != nil {
		return nil, err
	}
	m := map[string][]byte{}
	for _, alg := range Algorithms {
		if m[alg], err = f.Mint(alg); err != nil {
			return nil, err
		}
	}
	return m, nil
})

func mustToken(tb testing.TB, alg string) []byte {
	tb.Helper()
	m, err := tokens()
	if err != nil {
		tb.Fatal(err)
	}
	return m[alg]
}

// compilationCache is shared by every module compiled in this binary: the
// on-disk cache edge uses by default, so repeated runs skip code
// generation, as a restarted edge does.
var compilationCache = sync.OnceValue(func() wazero.CompilationCache {
	if dir := edge.DefaultCacheDir(); dir != "" {
		if c, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			return c
		}
	}
	return wazero.NewCompilationCache()
})

// moduleKind is a validator module variant as the edge host runs it.
type moduleKind struct {
	name        string
	load        func() ([]byte, error)
	guestCrypto bool
}

var (
	kindStandard    = moduleKind{"wazero", StandardModule, false}
	kindGuestCrypto = moduleKind{"wazero-guestcrypto", StandardModule, true}
	kindTinyGo      = moduleKind{"wazero-tinygo", TinyGoModule, false}
)

var (
	modulesMu sync.Mutex
	modules   = map[string]*edge.Module{}
)

// compiled returns the module of kind, compiled once; it skips tb when the
// module is not built.
func compiled(tb testing.TB, kind moduleKind) *edge.Module {
	tb.Helper()
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m, ok := modules[kind.name]; ok {
		return m
	}
	wasm, err := kind.load()
	if err != nil {
		tb.Skip(err)
	}
	m, err := edge.Compile(context.Background(), edge.Options{Module: wasm, GuestCrypto: kind.guestCrypto, CompilationCache: compilationCache()})
	if err != nil {
		tb.Fatal(err)
	}
	modules[kind.name] = m
	return m
}
