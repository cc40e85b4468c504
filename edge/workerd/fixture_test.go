package workerd

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// nowHeader is the test clock header (Options.InsecureNowHeader).
const nowHeader = "X-Tollgate-Test-Now"

// Set by TestMain.
var (
	testModule  []byte // validator.wasm, freshly built
	testWorkerd string // the workerd binary, "" if absent
	skipReason  string // why tests needing workerd skip
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	bin, err := FindBinary("")
	switch {
	case err == nil:
		testWorkerd = bin
	case os.Getenv("TOLLGATE_REQUIRE_WORKERD") != "":
		fmt.Fprintln(os.Stderr, "TOLLGATE_REQUIRE_WORKERD is set and:", err)
		return 1
	default:
		skipReason = "workerd not installed (run scripts/install-workerd.sh; set TOLLGATE_REQUIRE_WORKERD to make this a failure)"
	}
	if testWorkerd != "" {
		dir, err := os.MkdirTemp("", "workerd-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer func() { _ = os.RemoveAll(dir) }()
		if testModule, err = buildModule(dir, "github.com/tollgate/tollgate/wasm/cmd/validator", "TOLLGATE_VALIDATOR_WASM"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// buildModule returns $env's file if set, else a fresh wasip1 c-shared build
// of pkg, so the tests never run a stale artifact.
func buildModule(dir, pkg, env string) ([]byte, error) {
	if p := os.Getenv(env); env != "" && p != "" {
		return os.ReadFile(p)
	}
	out := filepath.Join(dir, filepath.Base(pkg)+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return os.ReadFile(out)
}

// requireWorkerd skips the test when workerd is absent (TestMain has
// already failed the run if TOLLGATE_REQUIRE_WORKERD is set).
func requireWorkerd(t testing.TB) {
	t.Helper()
	if testWorkerd == "" {
		t.Skip(skipReason)
	}
}

// lockedBuffer collects workerd's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a running workerd serving the worker.
type running struct {
	addr string
	out  *lockedBuffer
	stop func() // stops workerd; also run at cleanup
}

// startWorker runs Run on a loopback listener until the test ends (or stop
// is called). o needs Policy and Upstream; Module defaults to testModule and
// InsecureNowHeader to nowHeader.
func startWorker(t testing.TB, o Options) *running {
	t.Helper()
	requireWorkerd(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &running{addr: l.Addr().String(), out: &lockedBuffer{}}
	o.Listener = l
	o.Binary = testWorkerd
	if o.Module == nil {
		o.Module = testModule
	}
	if o.InsecureNowHeader == "" {
		o.InsecureNowHeader = nowHeader
	}
	o.Stdout, o.Stderr = w.out, w.out
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, o) }()
	var once sync.Once
	w.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			_ = l.Close()
		})
	}
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("workerd output:\n%s", w.out)
		}
	})
	// The socket is open already; requests wait in its backlog until
	// workerd accepts. Fail early if workerd refuses to start.
	select {
	case err := <-done:
		done <- nil
		t.Fatalf("Run returned at once: %v\n%s", err, w.out)
	case <-time.After(50 * time.Millisecond):
	}
	return w
}

// response is what the worker answered, and what the upstream saw.
type response struct {
	status int
	header http.Header
	body   []byte
	seen   *seen // nil unless the request reached the upstream
}

// request sends one HTTP/1.1 request byte for byte (so paths such as
// "//admin/x" or "/a/../b" and repeated headers arrive as written) and
// returns the answer.
func (w *running) request(t testing.TB, method, target string, headers ...[2]string) response {
	t.Helper()
	r, err := w.tryRequest(method, target, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v\nworkerd output:\n%s", method, target, err, w.out)
	}
	return r
}

func (w *running) tryRequest(method, target string, headers ...[2]string) (response, error) {
	conn, err := net.DialTimeout("tcp", w.addr, 5*time.Second)
	if err != nil {
		return response{}, err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: edge.test\r\nConnection: close\r\n", method, target)
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return response{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return response{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	r := response{status: resp.StatusCode, header: resp.Header, body: body}
	if resp.Header.Get(echoHeader) != "" {
		r.seen = new(seen)
		if err := json.Unmarshal(body, r.seen); err != nil {
			return response{}, fmt.Errorf("upstream echo: %v", err)
		}
	}
	return r, nil
}

// echoHeader marks the upstream's answers.
const echoHeader = "X-Test-Upstream"

// seen is what the upstream received.
type seen struct {
	Method  string      `json:"method"`
	Target  string      `json:"target"`
	Header  http.Header `json:"header"`
	Body    string      `json:"body"`
	Subject string      `json:"subject"`
}

// newUpstream starts the origin: it answers 200 with what it received.
func newUpstream(t testing.TB) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set(echoHeader, "1")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(seen{Method: r.Method, Target: r.RequestURI, Header: r.Header, Body: string(body)})
	}))
	t.Cleanup(s.Close)
	return s
}

// docServer plays the issuer: it serves documents by path (404 for unknown
// ones) with an ETag, honours If-None-Match and counts requests per path.
type docServer struct {
	*httptest.Server
	mu    sync.Mutex
	delay time.Duration // before each answer
	docs  map[string][]byte
	hits  map[string]*atomic.Int64
	total atomic.Int64
}

func newDocServer(t testing.TB) *docServer {
	d := &docServer{docs: map[string][]byte{}, hits: map[string]*atomic.Int64{}}
	d.Server = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.Close)
	return d
}

// set publishes doc at path (nil: 404) and returns its URL.
func (d *docServer) set(path string, doc []byte) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.docs[path] = doc
	if d.hits[path] == nil {
		d.hits[path] = new(atomic.Int64)
	}
	return d.URL + path
}

// count returns the number of requests for path.
func (d *docServer) count(path string) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.hits[path]; c != nil {
		return c.Load()
	}
	return 0
}

func (d *docServer) serve(w http.ResponseWriter, r *http.Request) {
	d.total.Add(1)
	d.mu.Lock()
	doc, delay := d.docs[r.URL.Path], d.delay
	if c := d.hits[r.URL.Path]; c != nil {
		c.Add(1)
	}
	d.mu.Unlock()
	time.Sleep(delay)
	if doc == nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}

// rewritePolicy returns policy with fields replaced (nil deletes).
func rewritePolicy(t testing.TB, policy []byte, fields map[string]any) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(policy, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		m[k] = b
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
