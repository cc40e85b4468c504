package issuer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

// Test clients. Secrets are plain here; the fake store keeps their hashes.
const (
	svcID      = "svc"
	svcSecret  = "s3cret-s3cret"
	weirdID    = "weird id:+%/é" // every character RFC 6749 §2.3.1 form-encoding matters for
	weirdSecet = "p@ss:w+rd/%&="
)

var testNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// testClients returns the registered clients of every test server.
func testClients() map[string]*store.Client {
	cc := func(id, secret string, grants []string, scopes ...string) *store.Client {
		return &store.Client{ID: id, Name: id, Type: store.Confidential, SecretHash: store.HashSecret(secret), GrantTypes: grants, Scopes: scopes}
	}
	cred := []string{store.GrantClientCredentials}
	m := map[string]*store.Client{
		svcID:       cc(svcID, svcSecret, cred, "read", "write", "admin"),
		weirdID:     cc(weirdID, weirdSecet, cred, "read"),
		"noscope":   cc("noscope", "noscope-secret", cred),
		"webapp":    cc("webapp", "webapp-secret", []string{store.GrantAuthorizationCode}, "read"),
		"custom":    cc("custom", "custom-secret", cred, "read"),
		"longttl":   cc("longttl", "longttl-secret", cred, "read"),
		"rs256only": cc("rs256only", "rs256only-secret", cred, "read"),
		"spa":       {ID: "spa", Name: "spa", Type: store.Public, GrantTypes: cred, Scopes: []string{"read"}},
	}
	m["custom"].Audience = []string{"api2", "api3"}
	m["custom"].AccessTokenTTL = 10 * time.Minute
	m["longttl"].AccessTokenTTL = 1000 * time.Hour
	m["rs256only"].SigningAlg = "RS256"
	return m
}

// fakeClients is an in-memory Clients that counts lookups.
type fakeClients struct {
	mu    sync.Mutex
	m     map[string]*store.Client
	err   error // returned for every lookup when set
	calls atomic.Int64
}

func (f *fakeClients) Client(id string) (*store.Client, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	c, ok := f.m[id]
	if !ok {
		return nil, fmt.Errorf("%w: client %q", store.ErrNotFound, id)
	}
	return c, nil
}

func (f *fakeClients) set(c *store.Client) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[c.ID] = c
}

// fakeStore is a real store in t.TempDir() whose clients come from a
// fakeClients instead, so tests can count and fail client lookups.
type fakeStore struct {
	*store.DB
	clients *fakeClients
}

func (f *fakeStore) Client(id string) (*store.Client, error) { return f.clients.Client(id) }

// newFakeStore opens a fresh store, closed at cleanup, in front of fc.
func newFakeStore(t testing.TB, fc *fakeClients) *fakeStore {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "issuer.db"), &store.Options{KEK: make([]byte, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &fakeStore{DB: db, clients: fc}
}

// fakeSigner is an ES256 Signer on the standard library, independent of
// jwks/signing.
type fakeSigner struct {
	key  *ecdsa.PrivateKey
	kid  string
	jwks []byte
	etag string
	fail atomic.Bool // Sign errors when set
}

func newFakeSigner(t testing.TB) *fakeSigner {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	b := pub.Bytes() // 0x04 || X || Y
	b64 := base64.RawURLEncoding.EncodeToString
	kid := b64(b[1:9])
	doc := fmt.Sprintf(`{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":%q,"x":%q,"y":%q}]}`,
		kid, b64(b[1:33]), b64(b[33:]))
	return &fakeSigner{key: k, kid: kid, jwks: []byte(doc), etag: "v1-" + kid}
}

func (f *fakeSigner) Algorithms() []string { return []string{"ES256"} }

func (f *fakeSigner) JWKS() ([]byte, string) { return f.jwks, f.etag }

func (f *fakeSigner) Sign(alg, typ string, payload []byte) ([]byte, string, error) {
	if f.fail.Load() {
		return nil, "", errors.New("fake signer: failing on purpose")
	}
	if alg != "ES256" {
		return nil, "", fmt.Errorf("fake signer: no key for %s", alg)
	}
	enc := base64.RawURLEncoding
	hdr := `{"alg":"ES256","kid":"` + f.kid + `","typ":"` + typ + `"}`
	tok := enc.AppendEncode(nil, []byte(hdr))
	tok = append(tok, '.')
	tok = enc.AppendEncode(tok, payload)
	sum := sha256.Sum256(tok)
	r, s, err := ecdsa.Sign(rand.Reader, f.key, sum[:])
	if err != nil {
		return nil, "", err
	}
	var sig [64]byte
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	tok = append(tok, '.')
	return enc.AppendEncode(tok, sig[:]), f.kid, nil
}

// clock is a settable test clock.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a Server serving on an in-memory listener, with fake clients,
// a fake signer and a settable clock.
type harness struct {
	t       testing.TB
	srv     *Server
	ln      *fasthttputil.InmemoryListener
	clients *fakeClients
	signer  *fakeSigner
	clock   *clock
	log     *syncBuffer

	mu  sync.Mutex
	hcs map[string]*fasthttp.Client // by source IP
}

// newHarness starts a server with cfg; a nil cfg.Now gets the harness
// clock, a nil Logger the harness log, and rate limiting is off unless cfg
// sets a limit.
func newHarness(t testing.TB, cfg Config) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		clients: &fakeClients{m: testClients()},
		signer:  newFakeSigner(t),
		clock:   newClock(testNow),
		log:     &syncBuffer{},
		ln:      fasthttputil.NewInmemoryListener(),
		hcs:     map[string]*fasthttp.Client{},
	}
	if cfg.Now == nil {
		cfg.Now = h.clock.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(h.log, nil))
	}
	if cfg.ClientRateLimit == (RateLimit{}) && cfg.AddrRateLimit == (RateLimit{}) {
		cfg.InsecureNoRateLimit = true
	}
	srv, err := New(cfg, newFakeStore(t, h.clients), h.signer)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	done := make(chan error, 1)
	go func() { done <- srv.Serve(h.ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return h
}

// request describes one HTTP request; zero fields take the defaults of a
// token request.
type request struct {
	method      string            // default POST
	path        string            // default /o/token/
	contentType string            // default form; "none" sends no Content-Type
	auth        string            // Authorization header, if any
	auth2       string            // a second Authorization header, if any
	body        string            // request body
	headers     map[string]string // more request headers
	from        string            // source IP, default 127.0.0.1
	// raw writes the request on its own connection without waiting to
	// finish, and reads whatever answer comes: for requests the server
	// refuses before reading them whole.
	raw bool
}

type response struct {
	status int
	header map[string]string // canonical names
	body   []byte
}

func (h *harness) client(ip string) *fasthttp.Client {
	h.mu.Lock()
	defer h.mu.Unlock()
	if hc := h.hcs[ip]; hc != nil {
		return hc
	}
	addr := &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}
	hc := &fasthttp.Client{
		Dial:                func(string) (net.Conn, error) { return h.ln.DialWithLocalAddr(addr) },
		MaxResponseBodySize: 1 << 20,
	}
	h.hcs[ip] = hc
	return hc
}

func (h *harness) do(t testing.TB, r request) response {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	if r.method == "" {
		r.method = fasthttp.MethodPost
	}
	if r.path == "" {
		r.path = "/o/token/"
	}
	switch r.contentType {
	case "":
		req.Header.SetContentType(formContentType)
	case "none":
	default:
		req.Header.SetContentType(r.contentType)
	}
	if r.from == "" {
		r.from = "127.0.0.1"
	}
	req.Header.SetMethod(r.method)
	req.SetRequestURI("http://issuer.test" + r.path)
	if r.auth != "" {
		req.Header.Set(fasthttp.HeaderAuthorization, r.auth)
	}
	if r.auth2 != "" {
		req.Header.Add(fasthttp.HeaderAuthorization, r.auth2)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if r.body != "" || r.method == fasthttp.MethodPost {
		req.SetBodyString(r.body)
	}
	var err error
	if r.raw {
		err = h.rawDo(req, resp)
	} else {
		err = h.client(r.from).DoTimeout(req, resp, 10*time.Second)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	out := response{status: resp.StatusCode(), header: map[string]string{}, body: append([]byte(nil), resp.Body()...)}
	for k, v := range resp.Header.All() {
		out.header[string(k)] = string(v)
	}
	return out
}

// rawDo sends req on a fresh connection, writing concurrently with reading
// the response, so a server that answers early and closes is observed.
func (h *harness) rawDo(req *fasthttp.Request, resp *fasthttp.Response) error {
	c, err := h.ln.Dial()
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	var wire bytes.Buffer
	if _, err := req.WriteTo(&wire); err != nil {
		return err
	}
	go func() { _, _ = c.Write(wire.Bytes()) }()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return resp.Read(bufio.NewReader(c))
}

// json decodes the body as a JSON object, failing the test otherwise.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// basic returns a client_secret_basic Authorization header per RFC 6749
// §2.3.1: id and secret form-urlencoded, then Basic.
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(formEncode(id)+":"+formEncode(secret)))
}

// rawBasic returns a Basic header without the form-encoding step.
func rawBasic(userpass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userpass))
}

// formEncode is application/x-www-form-urlencoded encoding (space as '+').
func formEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '*':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// wantError asserts an RFC 6749 §5.2 error response.
func wantError(t testing.TB, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	m := r.json(t)
	if m["error"] != code {
		t.Errorf("error = %v, want %s; body %s", m["error"], code, r.body)
	}
	for k := range m {
		if k != "error" && k != "error_description" && k != "error_uri" {
			t.Errorf("unexpected member %q in error body %s", k, r.body)
		}
	}
	if ct := r.header["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if r.header["Cache-Control"] != "no-store" || r.header["Pragma"] != "no-cache" {
		t.Errorf("Cache-Control = %q, Pragma = %q; want no-store, no-cache", r.header["Cache-Control"], r.header["Pragma"])
	}
}
