package edge

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
)

// Shared by every test of the package: the module is built once and
// compiled once.
var (
	testModule    []byte
	testCache     wazero.CompilationCache
	testCompiled  *Module // host crypto (the default)
	testGuestOnly *Module // Options.GuestCrypto
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "edge-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if testModule, err = buildModule(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	testCache = wazero.NewCompilationCache()
	defer func() { _ = testCache.Close(ctx) }()
	if testCompiled, err = Compile(ctx, Options{Module: testModule, CompilationCache: testCache}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = testCompiled.Close(ctx) }()
	if testGuestOnly, err = Compile(ctx, Options{Module: testModule, CompilationCache: testCache, GuestCrypto: true}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = testGuestOnly.Close(ctx) }()
	return m.Run()
}

// buildModule returns the module under test: $TOLLGATE_VALIDATOR_WASM if
// set (e.g. bin/validator-tinygo.wasm), else a fresh build of
// wasm/cmd/validator, so the tests never run a stale artifact.
func buildModule(dir string) ([]byte, error) {
	if p := os.Getenv("TOLLGATE_VALIDATOR_WASM"); p != "" {
		return os.ReadFile(p)
	}
	out := filepath.Join(dir, "validator.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "github.com/tollgate/tollgate/wasm/cmd/validator")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build validator.wasm: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// newTestHost starts a Host on the test module; o.Policy must be set.
func newTestHost(t testing.TB, o Options) *Host {
	t.Helper()
	if o.Module == nil && o.Compiled == nil {
		o.Compiled = testCompiled
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	h, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h
}
