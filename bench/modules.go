package bench

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tollgate/tollgate/edge"
)

// Environment variables that point the benchmarks at built artifacts.
const (
	// EnvValidatorWasm names validator.wasm (standard Go). Unset means the
	// module embedded in package edge, which is what bin/edge runs.
	EnvValidatorWasm = "TOLLGATE_VALIDATOR_WASM"
	// EnvTinyGoWasm names validator-tinygo.wasm. Unset means
	// bin/validator-tinygo.wasm at the repository root.
	EnvTinyGoWasm = "TOLLGATE_TINYGO_WASM"
)

// StandardModule returns validator.wasm: $TOLLGATE_VALIDATOR_WASM, else the
// module embedded in package edge.
func StandardModule() ([]byte, error) {
	if p := os.Getenv(EnvValidatorWasm); p != "" {
		return os.ReadFile(p)
	}
	b, err := edge.EmbeddedModule()
	if err != nil {
		return nil, fmt.Errorf("%w: validator.wasm (run make wasm or set %s): %w", ErrNoModule, EnvValidatorWasm, err)
	}
	return b, nil
}

// TinyGoModule returns validator-tinygo.wasm: $TOLLGATE_TINYGO_WASM,
// else bin/validator-tinygo.wasm, or an error wrapping ErrNoModule when it
// has not been built.
func TinyGoModule() ([]byte, error) {
	p := os.Getenv(EnvTinyGoWasm)
	if p == "" {
		p = filepath.Join(RepoRoot(), "bin", "validator-tinygo.wasm")
	}
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: %s (the TinyGo toolchain builds it)", ErrNoModule, p)
	}
	return b, err
}

// RepoRoot returns the repository root: the directory two levels above
// this source file when it exists (go test, go run), else the working
// directory.
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		root := filepath.Dir(filepath.Dir(file))
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root
		}
	}
	wd, _ := os.Getwd()
	return wd
}

// DescribeModules returns the size, gzipped size and digest of each
// module build the benchmarks use, skipping builds that are missing.
func DescribeModules() []Module {
	var ms []Module
	for _, m := range []struct {
		name, source string
		load         func() ([]byte, error)
	}{
		{"standard", sourceOf(EnvValidatorWasm, "embedded in package edge (edge/embed/validator.wasm)"), StandardModule},
		{"tinygo", sourceOf(EnvTinyGoWasm, filepath.Join("bin", "validator-tinygo.wasm")), TinyGoModule},
	} {
		b, err := m.load()
		if err != nil {
			continue
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		_, _ = zw.Write(b) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		sum := sha256.Sum256(b)
		ms = append(ms, Module{Name: m.name, Source: m.source, Bytes: len(b), GzipBytes: z.Len(), SHA256: hex.EncodeToString(sum[:])})
	}
	return ms
}

func sourceOf(env, def string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	return def
}
