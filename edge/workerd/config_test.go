package workerd

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/edge/worker"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

func TestWriteConfig(t *testing.T) {
	dir := t.TempDir()
	policy := conformance.BasePolicy()
	path, err := WriteConfig(dir, Options{
		Policy: policy, Upstream: "http://127.0.0.1:8081/", Listen: "127.0.0.1:8080",
		Module: []byte("\x00asm\x01\x00\x00\x00"),
	})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`using Workerd = import "/workerd/workerd.capnp";`,
		`(name = "worker.mjs", esModule = embed "worker.mjs")`,
		`(name = "wasi.mjs", esModule = embed "wasi.mjs")`,
		`(name = "validator.wasm", wasm = embed "validator.wasm")`,
		`(name = "POLICY", text = embed "policy.json")`,
		`(name = "UPSTREAM", text = embed "upstream.txt")`,
		`compatibilityDate = "` + CompatibilityDate + `"`,
		`allow = ["public", "private", "local"]`,
		`globalOutbound = "egress"`,
		`(name = "http", address = "127.0.0.1:8080", http = (), service = "tollgate")`,
	} {
		if !strings.Contains(string(conf), want) {
			t.Errorf("config lacks %s\n%s", want, conf)
		}
	}
	if strings.Contains(string(conf), "INSECURE_NOW_HEADER") {
		t.Error("config has INSECURE_NOW_HEADER though the option is unset")
	}
	// The first module is the entry point.
	if i, j := strings.Index(string(conf), `"worker.mjs"`), strings.Index(string(conf), `"wasi.mjs"`); i < 0 || j < i {
		t.Error("worker.mjs is not the first module")
	}
	for name, want := range map[string]string{
		"policy.json":    string(policy),
		"upstream.txt":   "http://127.0.0.1:8081",
		"validator.wasm": "\x00asm\x01\x00\x00\x00",
	} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
	for _, m := range worker.Modules() {
		if b, err := os.ReadFile(filepath.Join(dir, m.Name)); err != nil || string(b) != string(m.Source) {
			t.Errorf("module %s not written: %v", m.Name, err)
		}
	}

	if _, err := WriteConfig(dir, Options{Policy: policy, Upstream: "http://u", Listen: "x:1", Module: []byte("m"), InsecureNowHeader: "X-Now"}); err != nil {
		t.Fatal(err)
	}
	conf, _ = os.ReadFile(path)
	if b, _ := os.ReadFile(filepath.Join(dir, "now-header.txt")); !strings.Contains(string(conf), `(name = "INSECURE_NOW_HEADER", text = embed "now-header.txt")`) || string(b) != "X-Now" {
		t.Errorf("InsecureNowHeader not bound:\n%s", conf)
	}
}

func TestOptionsRejected(t *testing.T) {
	good := Options{Policy: conformance.BasePolicy(), Upstream: "http://127.0.0.1:8081", Listen: "127.0.0.1:0", Module: []byte("m")}
	for _, tc := range []struct {
		name string
		mod  func(*Options)
	}{
		{"no policy", func(o *Options) { o.Policy = nil }},
		{"policy with an unknown field", func(o *Options) {
			o.Policy = []byte(`{"issuer":"i","audiences":["a"],"jwks_url":"http://x/","bogus":1}`)
		}},
		{"policy not JSON", func(o *Options) { o.Policy = []byte(`issuer: x`) }},
		{"no upstream", func(o *Options) { o.Upstream = "" }},
		{"upstream with a path", func(o *Options) { o.Upstream = "http://127.0.0.1:8081/api" }},
		{"upstream with a query", func(o *Options) { o.Upstream = "http://127.0.0.1:8081?a=b" }},
		{"upstream not http", func(o *Options) { o.Upstream = "ftp://127.0.0.1" }},
		{"upstream with credentials", func(o *Options) { o.Upstream = "http://u:p@127.0.0.1" }},
		{"no listen address", func(o *Options) { o.Listen = "" }},
		{"header name with a quote", func(o *Options) { o.InsecureNowHeader = `X-"` }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.mod(&o)
			if _, err := WriteConfig(t.TempDir(), o); !errors.Is(err, ErrOptions) {
				t.Errorf("WriteConfig: %v, want ErrOptions", err)
			}
			if err := Run(context.Background(), o); !errors.Is(err, ErrOptions) {
				t.Errorf("Run: %v, want ErrOptions", err)
			}
		})
	}
	if _, err := WriteConfig(t.TempDir(), good); err != nil {
		t.Errorf("the good options: %v", err)
	}
}

func TestFindBinary(t *testing.T) {
	pkg, ok := platformPackages[runtime.GOOS+"/"+runtime.GOARCH]
	if !ok {
		t.Skip("no workerd package for this platform")
	}
	t.Setenv("TOLLGATE_WORKERD", "")
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	name := "workerd"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	plain := filepath.Join(root, "node_modules", "@cloudflare", pkg, "bin", name)
	prefixed := filepath.Join(root, "node_modules", ".workerd", "node_modules", "@cloudflare", pkg, "bin", name)
	for _, p := range []string{plain, prefixed} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		got, err := FindBinary(deep)
		if err != nil || got != p {
			t.Errorf("FindBinary = %q, %v; want %q", got, err, p)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("TOLLGATE_WORKERD", "/opt/workerd")
	if got, err := FindBinary(deep); err != nil || got != "/opt/workerd" {
		t.Errorf("with TOLLGATE_WORKERD: %q, %v", got, err)
	}
	t.Setenv("TOLLGATE_WORKERD", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindBinary(deep); !errors.Is(err, ErrNoWorkerd) {
		t.Errorf("with nothing installed: %v, want ErrNoWorkerd", err)
	}
}

// TestRunExited checks that a configuration workerd refuses ends Run with
// ErrExited and workerd's explanation.
func TestRunExited(t *testing.T) {
	requireWorkerd(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	var out lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Run(ctx, Options{
		Policy: conformance.BasePolicy(), Upstream: "http://127.0.0.1:1", Listener: l,
		Binary: testWorkerd, Module: testModule, CompatibilityDate: "2999-01-01", Stdout: &out, Stderr: &out,
	})
	if !errors.Is(err, ErrExited) {
		t.Fatalf("Run = %v, want ErrExited", err)
	}
	if !strings.Contains(out.String(), "ompatibility date") {
		t.Errorf("workerd did not say why:\n%s", out.String())
	}
}

// TestWranglerToml keeps the deployment configuration in step with the
// worker: its entry module, compatibility date, wasm rule and a policy the
// core accepts.
func TestWranglerToml(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "worker", "wrangler.toml"))
	if err != nil {
		t.Fatal(err)
	}
	toml := string(b)
	for _, want := range []string{
		`main = "` + worker.Main + `"`,
		`compatibility_date = "` + CompatibilityDate + `"`,
		"[[rules]]\ntype = \"CompiledWasm\"",
		"cp ../../bin/validator.wasm " + worker.ModuleWasm,
	} {
		if !strings.Contains(toml, want) {
			t.Errorf("wrangler.toml lacks %q", want)
		}
	}
	_, rest, ok := strings.Cut(toml, "POLICY = '''")
	policy, _, ok2 := strings.Cut(rest, "'''")
	if !ok || !ok2 {
		t.Fatal("wrangler.toml has no POLICY = '''…'''")
	}
	if _, err := WriteConfig(t.TempDir(), Options{Policy: []byte(policy), Upstream: "https://origin.example.com", Listen: "127.0.0.1:0", Module: []byte("m")}); err != nil {
		t.Errorf("wrangler.toml's POLICY: %v", err)
	}
}
