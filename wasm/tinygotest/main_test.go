package tinygotest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/tollgate/tollgate/edge"
)

// The TinyGo module, and the cache that compiles it once for every test.
var (
	tinygoWasm []byte
	cache      = wazero.NewCompilationCache()
	skipReason string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	defer func() { _ = cache.Close(context.Background()) }()
	path := os.Getenv("TOLLGATE_TINYGO_WASM")
	if path == "" {
		path = "../../bin/validator-tinygo.wasm"
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && os.Getenv("TOLLGATE_REQUIRE_TINYGO") == "":
		skipReason = path + " not built (make wasm-tinygo); set TOLLGATE_REQUIRE_TINYGO to make this a failure"
	case err != nil:
		fmt.Fprintln(os.Stderr, "tinygotest:", err)
		return 1
	}
	tinygoWasm = b
	return m.Run()
}

// compile compiles the module in the edge host (once per test; the
// compilation cache makes repeats cheap). It skips the test when the module
// is absent and not required.
func compile(t testing.TB) *edge.Module {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	ctx := context.Background()
	mod, err := edge.Compile(ctx, edge.Options{Module: tinygoWasm, CompilationCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mod.Close(ctx) })
	return mod
}
