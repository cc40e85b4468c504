package httpwasmtest

import (
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestClock shows why hosts must give the guest a real wall clock: with
// wazero's default module configuration (http-wasm-host-go's default) the
// guest's clock reads 2022-01-01, and a token issued now is refused as
// issued in the future. With WithSysWalltime it is allowed.
func TestClock(t *testing.T) {
	now := time.Now().Unix()
	req := get("/api/items", token(t, now, "clock", "read"))
	policy := inlinePolicy(t, nil)

	tests := []struct {
		name       string
		mc         wazero.ModuleConfig
		wantStatus int
		wantDesc   string
	}{
		{"sys walltime", wazero.NewModuleConfig().WithStartFunctions("_initialize").WithSysWalltime().WithSysNanotime(), 200, ""},
		{"wazero's fake clock", wazero.NewModuleConfig().WithStartFunctions("_initialize"), 401, "token issued in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conformance.ServeHTTP(handlerOf(mustMiddleware(t, policy, tt.mc, nil)), req)
			if got.Status != tt.wantStatus || !strings.Contains(got.WWWAuthenticate, tt.wantDesc) {
				t.Fatalf("status %d, WWW-Authenticate %q; want %d with %q", got.Status, got.WWWAuthenticate, tt.wantStatus, tt.wantDesc)
			}
		})
	}
}

// TestWithoutInitialize shows what happens when a host does not call
// _initialize (wazero's default start function is _start, which a reactor
// lacks): the Go runtime is not initialized and every request fails with
// 500. Hosts must configure WithStartFunctions("_initialize").
func TestWithoutInitialize(t *testing.T) {
	mw, err := newMiddleware(t, inlinePolicy(t, nil), wazero.NewModuleConfig().WithSysWalltime(), nil)
	if err != nil {
		t.Fatalf("NewMiddleware: %v", err)
	}
	got := conformance.ServeHTTP(handlerOf(mw), get("/", token(t, time.Now().Unix(), "x", "read")))
	if got.Status != 500 {
		t.Fatalf("status %d without _initialize, want 500", got.Status)
	}
}

// TestPolicyRefused checks that a policy the core refuses fails the
// middleware at load time, with the reason in the host's log, and that a
// good one loads.
func TestPolicyRefused(t *testing.T) {
	mc := moduleConfig(newClock(conformance.Now))
	tests := []struct {
		name    string
		policy  string
		wantLog string // "" means the policy loads
	}{
		{"valid", string(inlinePolicy(t, nil)), ""},
		{"unknown field", `{"issuer":"https://i/o","audiences":["api"],"jwks":{"keys":[]},"nope":1}`, "tollgate: validator: invalid policy"},
		{"not JSON", `issuer: x`, "tollgate: "},
		{"empty", ``, "no guest configuration"},
		{"number as a string (Traefik labels)", `{"issuer":"https://i/o","audiences":["api"],"jwks":{"keys":[]},"leeway_seconds":"60"}`, "leeway_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &logger{}
			_, err := newMiddleware(t, []byte(tt.policy), mc, log)
			switch {
			case tt.wantLog == "" && err != nil:
				t.Fatalf("NewMiddleware: %v (log: %v)", err, log)
			case tt.wantLog != "" && err == nil:
				t.Fatal("NewMiddleware accepted the policy")
			case tt.wantLog != "" && !log.contains(tt.wantLog):
				t.Fatalf("log %q lacks %q", log, tt.wantLog)
			}
		})
	}
}

// TestJWKSURLOnly checks that a policy with only jwks_url (which an
// http-wasm guest cannot fetch) loads, says so in the log and refuses
// tokens, fail-closed.
func TestJWKSURLOnly(t *testing.T) {
	log := &logger{}
	mw := mustMiddleware(t, conformance.BasePolicy(), moduleConfig(newClock(conformance.Now)), log)
	if !log.contains("cannot fetch jwks_url") || !log.contains("cannot fetch revocations_url") {
		t.Errorf("log lacks the warnings: %v", log)
	}
	got := conformance.ServeHTTP(handlerOf(mw), get("/api/items", token(t, conformance.Now, "j", "read")))
	if got.Status != 401 || !strings.Contains(got.WWWAuthenticate, "unknown key") {
		t.Fatalf("status %d, WWW-Authenticate %q; want 401 unknown key", got.Status, got.WWWAuthenticate)
	}
}
