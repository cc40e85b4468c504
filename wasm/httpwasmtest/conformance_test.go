package httpwasmtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// guestDir is where the tests mount the key and revocation files, as a
// Traefik `mounts` setting would.
const guestDir = "/etc/tollgate"

// withFiles mounts a directory holding the documents that are non-nil at
// guestDir and points the guest at them, as Traefik's `mounts` and `envs`
// settings do.
func withFiles(t testing.TB, mc wazero.ModuleConfig, keys, revocations []byte) (wazero.ModuleConfig, string) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		env, name string
		body      []byte
	}{
		{"TOLLGATE_JWKS_FILE", "jwks.json", keys},
		{"TOLLGATE_REVOCATIONS_FILE", "revoked.json", revocations},
	} {
		if f.body == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), f.body, 0o644); err != nil {
			t.Fatal(err)
		}
		mc = mc.WithEnv(f.env, guestDir+"/"+f.name)
	}
	return mc.WithFSConfig(wazero.NewFSConfig().WithReadOnlyDirMount(dir, guestDir)), dir
}

// setup is the conformance adapter: the guest with the case's policy as its
// configuration, the case's keys and revocations as files, and a wall clock
// that reads the case's time.
func setup(t testing.TB, c *conformance.Case) conformance.Host {
	mc, _ := withFiles(t, moduleConfig(newClock(c.Now)), c.Keys, c.Revocations)
	mw := mustMiddleware(t, c.Policy, mc, nil)
	return func(req conformance.Request) conformance.Response {
		return conformance.ServeHTTP(handlerOf(mw), req)
	}
}

// TestConformance runs the shared host table through http-wasm-host-go.
func TestConformance(t *testing.T) {
	conformance.RunHTTP(t, setup)
}
