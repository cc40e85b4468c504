package edge

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Module is a compiled validator module: a wazero runtime with WASI
// preview1 and the module compiled in it. Hosts instantiate it; share one
// Module between Hosts (Options.Compiled) to compile once per process, e.g.
// when a policy is reloaded. A Module is safe for concurrent use.
type Module struct {
	crypto    hostCrypto
	runtime   wazero.Runtime
	compiled  wazero.CompiledModule
	ownsCache wazero.CompilationCache // closed by Close when Compile made it
}

// Compile compiles the module chosen by o.Module, o.ModulePath or the
// embedded one, through o.CompilationCache or an on-disk cache in
// o.CacheDir (see [Options]). Compiling a module the cache already holds
// skips code generation but still decodes and validates the binary.
func Compile(ctx context.Context, o Options) (*Module, error) {
	wasm, err := ReadModule(o.Module, o.ModulePath)
	if err != nil {
		return nil, err
	}
	m := &Module{crypto: hostCrypto{disabled: o.GuestCrypto}}
	cache := o.CompilationCache
	if cache == nil {
		dir := o.CacheDir
		if dir == "" {
			dir = DefaultCacheDir()
		}
		if dir != "" {
			cache, err = wazero.NewCompilationCacheWithDir(dir)
			if err != nil && o.Logger != nil {
				o.Logger.Warn("edge: compilation cache unavailable; compiling in memory", "dir", dir, "err", err)
			}
		}
		if dir == "" || err != nil {
			cache = wazero.NewCompilationCache()
		}
		m.ownsCache = cache
	}
	m.runtime = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, m.runtime); err != nil {
		_ = m.Close(ctx)
		return nil, fmt.Errorf("edge: wasi: %w", err)
	}
	if err := m.crypto.instantiate(ctx, m.runtime); err != nil {
		_ = m.Close(ctx)
		return nil, fmt.Errorf("edge: host module: %w", err)
	}
	if m.compiled, err = m.runtime.CompileModule(ctx, wasm); err != nil {
		_ = m.Close(ctx)
		return nil, fmt.Errorf("edge: compile module: %w", err)
	}
	return m, nil
}

// Close closes the runtime, every instance still open in it, and the
// compilation cache if Compile created it.
func (m *Module) Close(ctx context.Context) error {
	var errs []error
	if m.runtime != nil {
		errs = append(errs, m.runtime.Close(ctx))
	}
	if m.ownsCache != nil {
		errs = append(errs, m.ownsCache.Close(ctx))
	}
	return errors.Join(errs...)
}
