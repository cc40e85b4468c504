package httpwasmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/http-wasm/http-wasm-host-go/api"
	"github.com/http-wasm/http-wasm-host-go/handler"
	wasm "github.com/http-wasm/http-wasm-host-go/handler/nethttp"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// The module is read or built once; every middleware compiles it through
// one in-memory compilation cache.
var (
	guestWasm []byte
	compiled  = wazero.NewCompilationCache()
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	b, err := loadModule()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	guestWasm = b
	defer func() { _ = compiled.Close(context.Background()) }()
	return m.Run()
}

// loadModule reads $TOLLGATE_HTTPWASM_WASM, or builds wasm/cmd/httpwasm.
func loadModule() ([]byte, error) {
	if p := os.Getenv("TOLLGATE_HTTPWASM_WASM"); p != "" {
		return os.ReadFile(p)
	}
	dir, err := os.MkdirTemp("", "httpwasm-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	out := filepath.Join(dir, "httpwasm.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "../cmd/httpwasm")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build httpwasm.wasm: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// clock is a settable wall clock for the guest (Unix seconds).
type clock struct{ now atomic.Int64 }

func newClock(unix int64) *clock {
	c := &clock{}
	c.now.Store(unix)
	return c
}

func (c *clock) walltime() (sec int64, nsec int32) { return c.now.Load(), 0 }

// moduleConfig is what a correct host passes: _initialize, and the given
// wall clock (a real one in production: WithSysWalltime).
func moduleConfig(c *clock) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithStartFunctions("_initialize").
		WithWalltime(c.walltime, sys.ClockResolution(time.Millisecond)).
		WithSysNanotime()
}

// logger records what the guest logs.
type logger struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logger) IsEnabled(api.LogLevel) bool { return true }

func (l *logger) Log(_ context.Context, _ api.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
}

func (l *logger) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func (l *logger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, "\n")
}

// newMiddleware returns the guest as middleware with the policy as its
// configuration, closed when the test ends.
func newMiddleware(t testing.TB, policy []byte, mc wazero.ModuleConfig, log *logger) (wasm.Middleware, error) {
	t.Helper()
	if log == nil {
		log = &logger{}
	}
	ctx := context.Background()
	mw, err := wasm.NewMiddleware(ctx, guestWasm,
		handler.GuestConfig(policy),
		handler.ModuleConfig(mc),
		handler.Logger(log),
		handler.Runtime(func(ctx context.Context) (wazero.Runtime, error) {
			return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(compiled)), nil
		}),
	)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = mw.Close(ctx) })
	return mw, nil
}

// mustMiddleware is newMiddleware that fails the test on error.
func mustMiddleware(t testing.TB, policy []byte, mc wazero.ModuleConfig, log *logger) wasm.Middleware {
	t.Helper()
	if log == nil {
		log = &logger{}
	}
	mw, err := newMiddleware(t, policy, mc, log)
	if err != nil {
		t.Fatalf("NewMiddleware: %v (guest log: %v)", err, log)
	}
	return mw
}

// handlerOf adapts a middleware to conformance.ServeHTTP.
func handlerOf(mw wasm.Middleware) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return mw.NewHandler(context.Background(), next) }
}

// inlinePolicy is the tables' policy with the tables' public keys inline,
// so that no key file is needed; extra fields are added or replaced.
func inlinePolicy(t testing.TB, extra map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(conformance.BasePolicy(), &m); err != nil {
		t.Fatal(err)
	}
	m["jwks"] = json.RawMessage(conformance.PublicJWKS())
	delete(m, "jwks_url")
	delete(m, "revocations_url")
	for k, v := range extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// token signs an access token for the tables' issuer and audience with the
// tables' ES256 key, issued at iat and valid for an hour.
func token(t testing.TB, iat int64, jti, scope string) string {
	t.Helper()
	hdr := `{"alg":"ES256","typ":"at+jwt","kid":"es256"}`
	claims, err := json.Marshal(map[string]any{
		"iss": conformance.Issuer, "aud": conformance.Audience, "sub": "alice", "client_id": "cli",
		"scope": scope, "iat": iat, "exp": iat + 3600, "jti": jti,
	})
	if err != nil {
		t.Fatal(err)
	}
	return conformance.Sign("ES256", []byte(hdr), claims)
}

// get is a GET of path with "Bearer tok" (none if tok is empty).
func get(path, tok string) conformance.Request {
	r := conformance.Request{Method: "GET", Path: path, Header: conformance.ForgedHeaders()}
	if tok != "" {
		r.Authorization = []string{"Bearer " + tok}
	}
	return r
}
