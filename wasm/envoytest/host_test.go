//go:build !wasm

package envoytest

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

// The module, built (or read) and compiled once per test binary.
var (
	wasmBytes []byte
	rt        *runtime
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	// The emulator logs every DispatchHttpCall and guest log line; tests
	// read the guest's logs from the emulator instead.
	log.SetOutput(io.Discard)
	var err error
	if wasmBytes, err = loadWasm(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	if rt, err = newRuntime(ctx, wasmBytes); err != nil {
		fmt.Fprintln(os.Stderr, "compile envoy.wasm:", err)
		return 1
	}
	defer func() { _ = rt.r.Close(ctx) }()
	return m.Run()
}

// loadWasm reads $TOLLGATE_ENVOY_WASM, or builds wasm/cmd/envoy.
func loadWasm() ([]byte, error) {
	if p := os.Getenv("TOLLGATE_ENVOY_WASM"); p != "" {
		return os.ReadFile(p)
	}
	dir, err := os.MkdirTemp("", "envoy-wasm-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	out := filepath.Join(dir, "envoy.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "../cmd/envoy")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build envoy.wasm: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// filter is one envoy.wasm instance in the SDK's host emulator, its plugin
// configured with a policy. Tests drive it as Envoy would.
type filter struct {
	t        testing.TB
	host     proxytest.HostEmulator
	g        *guest
	answered int // DispatchHttpCall requests answered so far
}

// newFilter starts the filter with the policy and fails the test unless the
// plugin starts. clk nil gives the guest the real clock.
func newFilter(t testing.TB, policy []byte, clk *clock) *filter {
	t.Helper()
	f, status := startFilter(t, policy, clk)
	if status != types.OnPluginStartStatusOK {
		t.Fatalf("plugin start failed; logs: %q", f.host.GetCriticalLogs())
	}
	return f
}

// startFilter starts the filter and returns the plugin's start status.
func startFilter(t testing.TB, policy []byte, clk *clock) (*filter, types.OnPluginStartStatus) {
	t.Helper()
	g, err := rt.instantiate(context.Background(), clk)
	if err != nil {
		t.Fatal(err)
	}
	host, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().
		WithVMContext(g).WithPluginConfiguration(policy))
	t.Cleanup(func() {
		reset()
		if err := g.close(); err != nil {
			t.Error(err)
		}
	})
	f := &filter{t: t, host: host, g: g}
	if !host.StartVM() {
		t.Fatal("VM start failed")
	}
	status := host.StartPlugin()
	f.check()
	return f, status
}

// check fails the test if the guest trapped.
func (f *filter) check() {
	f.t.Helper()
	if err := f.g.err(); err != nil {
		f.t.Fatalf("the filter trapped: %v", err)
	}
}

// tick runs the plugin's timer once.
func (f *filter) tick() {
	f.t.Helper()
	f.host.Tick()
	f.check()
}

// pending returns the DispatchHttpCall requests not answered yet.
func (f *filter) pending() []proxytest.HttpCalloutAttribute {
	return f.host.GetCalloutAttributesFromContext(proxytest.PluginContextID)[f.answered:]
}

// reply is an answer to a DispatchHttpCall request.
type reply struct {
	status  int
	headers [][2]string
	body    []byte
}

// answer answers every pending request with serve's reply. (The emulator
// reuses the ids of answered calls, so all pending calls are answered
// together, in order.)
func (f *filter) answer(serve func(proxytest.HttpCalloutAttribute) reply) {
	f.t.Helper()
	calls := f.pending()
	f.answered += len(calls)
	for _, c := range calls {
		r := serve(c)
		hdrs := append([][2]string{{":status", strconv.Itoa(r.status)}}, r.headers...)
		f.host.CallOnHttpCallResponse(c.CalloutID, hdrs, nil, r.body)
		f.check()
	}
}

// outcome is what the filter did with a request.
type outcome struct {
	local    *proxytest.LocalHttpResponse // the local reply; nil if the request continued
	upstream [][2]string                  // the request headers as the upstream would get them
}

// status is the status the client gets: the local reply's, or 200 when the
// request continues to the upstream.
func (o outcome) status() int {
	if o.local != nil {
		return int(o.local.StatusCode)
	}
	return 200
}

func (o outcome) challenge() string {
	if o.local == nil {
		return ""
	}
	return headerValue(o.local.Headers, "www-authenticate")
}

// request runs one request's headers through the filter.
func (f *filter) request(hdrs [][2]string) outcome {
	f.t.Helper()
	id := f.host.InitializeHttpContext()
	action := f.host.CallOnRequestHeaders(id, hdrs, true)
	f.check()
	o := outcome{local: f.host.GetSentLocalResponse(id), upstream: f.host.GetCurrentRequestHeaders(id)}
	switch {
	case o.local == nil && action != types.ActionContinue:
		f.t.Fatalf("the filter paused the request without answering it")
	case o.local != nil && action != types.ActionPause:
		f.t.Fatalf("the filter answered the request and let it continue (action %v)", action)
	}
	f.host.CompleteHttpContext(id)
	f.check()
	return o
}

// get returns the headers of a GET of path with the Authorization values.
func get(path string, authorization ...string) [][2]string {
	h := [][2]string{{":method", "GET"}, {":path", path}, {":authority", "api.example"}, {":scheme", "https"}}
	for _, a := range authorization {
		h = append(h, [2]string{"authorization", a})
	}
	return h
}

// headerValue returns the first value of name (lower case), or "".
func headerValue(hdrs [][2]string, name string) string {
	for _, h := range hdrs {
		if h[0] == name {
			return h[1]
		}
	}
	return ""
}

// headerValues returns every value of name (lower case).
func headerValues(hdrs [][2]string, name string) []string {
	var vals []string
	for _, h := range hdrs {
		if h[0] == name {
			vals = append(vals, h[1])
		}
	}
	return vals
}

// issuer serves the documents of jwks_url and revocations_url; a nil
// document is a 404, as from an issuer that does not publish it.
type issuer struct {
	t                 testing.TB
	jwksURL, revURL   string
	keys, revocations []byte
}

// serve answers a DispatchHttpCall request by its :authority and :path.
func (is *issuer) serve(c proxytest.HttpCalloutAttribute) reply {
	target := "https://" + headerValue(c.Headers, ":authority") + headerValue(c.Headers, ":path")
	var body []byte
	switch {
	case is.jwksURL != "" && sameResource(target, is.jwksURL):
		body = is.keys
	case is.revURL != "" && sameResource(target, is.revURL):
		body = is.revocations
	default:
		is.t.Errorf("unexpected fetch of %s through cluster %q", target, c.Upstream)
	}
	if body == nil {
		return reply{status: 404}
	}
	return reply{status: 200, body: body}
}

// sameResource compares two URLs' host and path, ignoring the scheme (the
// cluster, not the request, decides between http and https).
func sameResource(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host == ub.Host && ua.RequestURI() == ub.RequestURI()
}
