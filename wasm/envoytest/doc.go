// Package envoytest tests envoy.wasm, Tollgate's proxy-wasm filter for Envoy
// (wasm/cmd/envoy), from the outside, the way Envoy runs it: the built module
// runs in wazero under the host emulator of the proxy-wasm Go SDK
// (proxytest), which plays Envoy's part (header maps, local replies,
// DispatchHttpCall, ticks).
//
// The tests build the module from source into a temporary directory, or load
// the file named by $TOLLGATE_ENVOY_WASM (make test points it at
// bin/envoy.wasm, so the shipped artifact is the one tested).
//
// # Clock
//
// proxytest.NewWasmVMContext instantiates the module with
// wazero.NewModuleConfig() and offers no way to change it, so the guest sees
// wazero's fake clock, stuck near 2022-01-01, and every honest exp or iat
// check fails. The tests therefore host the module themselves: the SDK's own
// host functions (reached with go:linkname, pinned to the SDK version in
// go.mod) with a module configuration that gives the guest a clock, the real
// one or one stopped at a case's time. TestFakeClockPitfall shows the
// pitfall on the SDK's own wrapper.
//
// The package has no code outside its tests.
package envoytest
