//go:build !wasm

package envoytest

import (
	"strings"
	"testing"
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestRealClock gives the guest the host's real clock, as Envoy does (its
// WASI clock_time_get is the real time), and checks that time claims are
// judged against it: an honest token passes, expired and future ones fail.
func TestRealClock(t *testing.T) {
	f := newFilter(t, conformance.BasePolicy(), nil)
	is := &issuer{t: t, jwksURL: jwksURL, revURL: revURL, keys: conformance.PublicJWKS(), revocations: []byte("[]")}
	f.answer(is.serve)
	now := time.Now().Unix()
	for _, tc := range []struct {
		name     string
		iat, exp int64
		status   int
		desc     string // error_description
	}{
		{"honest", now, now + 300, 200, ""},
		{"expired an hour ago", now - 7200, now - 3600, 401, "token expired"},
		{"issued in an hour", now + 3600, now + 7200, 401, "token issued in the future"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := f.request(get("/api/items", "Bearer "+token(t, "ES256", claims(tc.iat, tc.exp))))
			if o.status() != tc.status {
				t.Fatalf("status %d (%s), want %d", o.status(), o.challenge(), tc.status)
			}
			if tc.desc != "" && !strings.Contains(o.challenge(), `error_description="`+tc.desc+`"`) {
				t.Errorf("WWW-Authenticate %q, want error_description %q", o.challenge(), tc.desc)
			}
		})
	}
}

// TestStoppedClock checks the test clock itself: the guest reads the time it
// is stopped at, and Advance moves it.
func TestStoppedClock(t *testing.T) {
	const at = conformance.Now
	f, clk := loaded(t, nil, at)
	tok := "Bearer " + token(t, "ES256", claims(at, at+300))
	if o := f.request(get("/api/items", tok)); o.status() != 200 {
		t.Fatalf("at iat: status %d (%s), want 200", o.status(), o.challenge())
	}
	clk.Advance(300*time.Second + 60*time.Second) // exp plus the policy's leeway
	if o := f.request(get("/api/items", tok)); o.status() != 401 || !strings.Contains(o.challenge(), "token expired") {
		t.Fatalf("after exp and leeway: status %d (%s), want 401 token expired", o.status(), o.challenge())
	}
}

// TestFakeClockPitfall shows why the tests host the module themselves: under
// proxytest.NewWasmVMContext the guest's clock is wazero's fake one (near
// 2022-01-01), so an honest token issued now is "issued in the future". If
// this test fails, the SDK gives its wasm VM a real clock and vm_test.go's
// linkname shim can go. It compiles the module a second time, which takes
// half a minute under the race detector, so it runs only without it (the
// test has no concurrency to check) and not in -short mode.
func TestFakeClockPitfall(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("compiles the module again: skipped under -race and -short")
	}
	vm, err := proxytest.NewWasmVMContext(wasmBytes)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = vm.Close() }()
	host, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().
		WithVMContext(vm).WithPluginConfiguration(conformance.BasePolicy()))
	defer reset()
	if !bool(host.StartVM()) || !bool(host.StartPlugin()) {
		t.Fatal("start failed")
	}
	is := &issuer{t: t, jwksURL: jwksURL, revURL: revURL, keys: conformance.PublicJWKS(), revocations: []byte("[]")}
	for _, c := range host.GetCalloutAttributesFromContext(proxytest.PluginContextID) {
		r := is.serve(c)
		host.CallOnHttpCallResponse(c.CalloutID, [][2]string{{":status", "200"}}, nil, r.body)
	}
	now := time.Now().Unix()
	id := host.InitializeHttpContext()
	host.CallOnRequestHeaders(id, get("/api/items", "Bearer "+token(t, "ES256", claims(now, now+300))), true)
	local := host.GetSentLocalResponse(id)
	if local == nil {
		t.Fatal("proxytest.NewWasmVMContext now has a real clock: drop the linkname shim in vm_test.go")
	}
	if got := headerValue(local.Headers, "www-authenticate"); local.StatusCode != 401 || !strings.Contains(got, "token issued in the future") {
		t.Fatalf("status %d (%s), want 401 token issued in the future", local.StatusCode, got)
	}
}
