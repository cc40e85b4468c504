package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// modulePath is the validator.wasm under test, built once for the package;
// cacheDir is the compilation cache the tests share, so it compiles once.
var modulePath, cacheDir string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "edge-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	cacheDir = filepath.Join(dir, "cache")
	if p := os.Getenv("TOLLGATE_VALIDATOR_WASM"); p != "" {
		modulePath = p
		return m.Run()
	}
	modulePath = filepath.Join(dir, "validator.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", modulePath, "github.com/tollgate/tollgate/wasm/cmd/validator")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build validator.wasm: %v\n%s", err, b)
		return 1
	}
	return m.Run()
}

func TestMisuse(t *testing.T) {
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, []byte(`{"keys":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(notJSON, []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"proxy", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1"}
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "usage:"},
		{"unknown command", []string{"serve"}, `unknown command "serve"`},
		{"workerd without flags", []string{"workerd"}, "--listen is required"},
		{"workerd with a proxy-only flag", []string{"workerd", "--listen", ":0", "--upstream", "http://x", "--pool", "2"}, "flag provided but not defined: -pool"},
		{"envoy-config without policy", []string{"envoy-config"}, "--policy FILE is required"},
		{"unknown flag", append(base, "--nope"), "flag provided but not defined: -nope"},
		{"no listen", []string{"proxy", "--upstream", "http://x"}, "--listen is required"},
		{"no upstream", []string{"proxy", "--listen", ":0"}, "--upstream is required"},
		{"upstream with path", []string{"proxy", "--listen", ":0", "--upstream", "http://x/api"}, "--upstream must be"},
		{"upstream not http", []string{"proxy", "--listen", ":0", "--upstream", "ftp://x"}, "--upstream must be"},
		{"no policy", base, "give --policy FILE"},
		{"policy and issuer", append(base, "--policy", jwks, "--issuer", "x"), "--policy excludes"},
		{"missing policy file", append(base, "--policy", filepath.Join(dir, "nope")), "--policy:"},
		{"no audience", append(base, "--issuer", "x", "--jwks-file", jwks), "--audience is required"},
		{"no key source", append(base, "--issuer", "x", "--audience", "a"), "exactly one of --jwks-file and --jwks-url"},
		{"both key sources", append(base, "--issuer", "x", "--audience", "a", "--jwks-file", jwks, "--jwks-url", "http://k"), "exactly one of"},
		{"jwks file not JSON", append(base, "--issuer", "x", "--audience", "a", "--jwks-file", notJSON), "is not JSON"},
		{"stray argument", append(base, "extra"), `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.want)
			}
		})
	}
}

func TestBadPolicyExits1(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(policy, []byte(`{"issuer":"x","audiences":["a"],"jwks":{"keys":[]},"surprise":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"proxy", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
		"--upstream", "http://127.0.0.1:1", "--policy", policy, "--module", modulePath}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "policy") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// signer mints ES256 access tokens for the tests.
type signer struct {
	priv *ecdsa.PrivateKey
	kid  string
}

func newSigner(t *testing.T, kid string) *signer {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{priv: priv, kid: kid}
}

func (s *signer) jwks() []byte {
	b, _ := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": s.kid,
		"x": base64.RawURLEncoding.EncodeToString(s.priv.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(s.priv.Y.FillBytes(make([]byte, 32))),
	}}})
	return b
}

func (s *signer) token(t *testing.T, sub, scope string, ttl time.Duration) string {
	now := time.Now()
	hdr, _ := json.Marshal(map[string]any{"alg": "ES256", "typ": "at+jwt", "kid": s.kid})
	body, _ := json.Marshal(map[string]any{
		"iss": "http://issuer.test/o", "sub": sub, "aud": "api", "client_id": "cli-" + sub,
		"scope": scope, "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(ttl).Unix(),
		"jti": fmt.Sprintf("%s-%d", sub, now.UnixNano()),
	})
	in := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	sum := sha256.Sum256([]byte(in))
	r, sg, err := ecdsa.Sign(rand.Reader, s.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(append(r.FillBytes(make([]byte, 32)), sg.FillBytes(make([]byte, 32))...))
}

// startProxy runs serveProxy on loopback listeners; it returns the proxy and
// admin base URLs.
func startProxy(t *testing.T, args ...string) (proxyURL, adminURL string) {
	t.Helper()
	c, err := parseProxy("edge proxy", append([]string{"--listen", "127.0.0.1:0", "--module", modulePath, "--cache-dir", cacheDir}, args...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveProxy(ctx, c, ln, admin, slog.New(slog.NewTextHandler(t.Output(), nil))) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveProxy: %v", err)
		}
	})
	proxyURL, adminURL = "http://"+ln.Addr().String(), "http://"+admin.Addr().String()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(adminURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return proxyURL, adminURL
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy not healthy: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// echo is the upstream: it answers with what it received.
func echo(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%s %s\n", r.Method, r.URL.RequestURI())
	for _, k := range []string{"X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope", "X-Auth-Role", "Authorization"} {
		fmt.Fprintf(w, "%s=%s\n", k, strings.Join(r.Header.Values(k), "|"))
	}
}

func TestProxyEndToEnd(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(echo))
	defer up.Close()
	s, stranger := newSigner(t, "k1"), newSigner(t, "k2")
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, s.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy, admin := startProxy(t, "--upstream", up.URL, "--issuer", "http://issuer.test/o",
		"--audience", "api", "--scope", "read", "--jwks-file", jwks)

	tok := s.token(t, "alice", "read", time.Hour)
	realm := `Bearer realm="tollgate"` // the policy default
	tests := []struct {
		name       string
		method     string
		path       string
		header     http.Header
		wantStatus int
		wantAuth   string // WWW-Authenticate prefix
		wantBody   string // upstream echo
	}{
		{
			name: "allowed, with forged X-Auth-* stripped", method: "GET", path: "/things?x=1",
			header:     http.Header{"Authorization": {"Bearer " + tok}, "X-Auth-Subject": {"root"}, "X-Auth-Role": {"admin"}},
			wantStatus: 200,
			wantBody: "GET /things?x=1\nX-Auth-Subject=alice\nX-Auth-Client-Id=cli-alice\nX-Auth-Scope=read\nX-Auth-Role=\n" +
				"Authorization=Bearer " + tok + "\n",
		},
		{name: "no token", method: "GET", path: "/things", wantStatus: 401, wantAuth: realm},
		{
			name: "another scheme", method: "GET", path: "/things",
			header:     http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}},
			wantStatus: 401, wantAuth: realm,
		},
		{
			name: "bad Authorization header", method: "GET", path: "/things",
			header:     http.Header{"Authorization": {"Bearer"}},
			wantStatus: 400, wantAuth: realm + `, error="invalid_request"`,
		},
		{
			name: "foreign token", method: "GET", path: "/things",
			header:     http.Header{"Authorization": {"Bearer " + stranger.token(t, "eve", "read", time.Hour)}},
			wantStatus: 401, wantAuth: realm + `, error="invalid_token", error_description="`,
		},
		{
			name: "expired token", method: "GET", path: "/things",
			header:     http.Header{"Authorization": {"Bearer " + s.token(t, "bob", "read", -time.Hour)}},
			wantStatus: 401, wantAuth: realm + `, error="invalid_token", error_description="`,
		},
		{
			name: "scope lacking", method: "GET", path: "/things",
			header:     http.Header{"Authorization": {"Bearer " + s.token(t, "carol", "write", time.Hour)}},
			wantStatus: 403, wantAuth: realm + `, error="insufficient_scope", error_description="insufficient scope", scope="read"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, proxy+tt.path, nil)
			for k, vs := range tt.header {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; WWW-Authenticate %q; body %q", resp.StatusCode, tt.wantStatus, resp.Header.Get("WWW-Authenticate"), body)
			}
			got := resp.Header.Values("WWW-Authenticate")
			if tt.wantStatus == 200 {
				if len(got) != 0 || string(body) != tt.wantBody {
					t.Errorf("WWW-Authenticate %q, upstream saw\n%s\nwant\n%s", got, body, tt.wantBody)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.wantAuth) {
				t.Errorf("WWW-Authenticate %q, want prefix %s", got, tt.wantAuth)
			}
			if tt.wantAuth == realm && got[0] != realm {
				t.Errorf("no-token challenge carries an error: %s", got[0])
			}
			if bytes.Contains(body, []byte("X-Auth")) {
				t.Error("denied request reached the upstream")
			}
		})
	}

	t.Run("metrics", func(t *testing.T) {
		resp, err := http.Get(admin + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Errorf("Content-Type %q", ct)
		}
		for _, want := range []string{
			"tollgate_edge_allowed_total 1\n",
			`tollgate_edge_denied_total{reason="no_token"} 2` + "\n",
			`tollgate_edge_denied_total{reason="invalid_request"} 1` + "\n",
			`tollgate_edge_denied_total{reason="invalid_token"} 2` + "\n",
			`tollgate_edge_denied_total{reason="insufficient_scope"} 1` + "\n",
			`tollgate_edge_validation_duration_seconds_count 7` + "\n",
			`tollgate_edge_upstream_responses_total{class="2xx"} 1` + "\n", // only the allowed request got through
			`tollgate_edge_upstream_duration_seconds_count 1` + "\n",
			`tollgate_edge_upstream_failures_total{reason="connect"} 0` + "\n",
		} {
			if !strings.Contains(string(b), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
	t.Run("proxy does not serve admin paths", func(t *testing.T) {
		resp, err := http.Get(proxy + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("/metrics on the proxy listener: %d, want 401", resp.StatusCode)
		}
	})
}

func TestProxyUpstreamDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	s := newSigner(t, "k1")
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, s.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy, admin := startProxy(t, "--upstream", dead, "--issuer", "http://issuer.test/o", "--audience", "api", "--jwks-file", jwks)
	req, _ := http.NewRequest("GET", proxy+"/", nil)
	req.Header.Set("Authorization", "Bearer "+s.token(t, "alice", "", time.Hour))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502", resp.StatusCode)
	}
	resp, err = http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `tollgate_edge_upstream_failures_total{reason="connect"} 1` + "\n"; !strings.Contains(string(b), want) {
		t.Errorf("metrics lack %q", want)
	}
}

// TestProxyJWKSURL runs the proxy against a JWKS endpoint that goes down:
// the proxy keeps accepting tokens with the last good keys and says so in
// its metrics.
func TestProxyJWKSURL(t *testing.T) {
	s := newSigner(t, "k1")
	var down atomic.Bool
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", "max-age=0")
		_, _ = w.Write(s.jwks())
	}))
	defer keys.Close()
	up := httptest.NewServer(http.HandlerFunc(echo))
	defer up.Close()
	proxy, admin := startProxy(t, "--upstream", up.URL, "--issuer", "http://issuer.test/o", "--audience", "api", "--jwks-url", keys.URL)
	call := func() int {
		req, _ := http.NewRequest("GET", proxy+"/", nil)
		req.Header.Set("Authorization", "Bearer "+s.token(t, "alice", "", time.Hour))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := call(); code != 200 {
		t.Fatalf("status %d with the issuer up", code)
	}
	down.Store(true)
	// The refresh floor is 30 s by default; a scheduled fetch would take that
	// long, so an unknown kid forces one (its first use is not rate-limited).
	stranger := newSigner(t, "k-unknown")
	req, _ := http.NewRequest("GET", proxy+"/", nil)
	req.Header.Set("Authorization", "Bearer "+stranger.token(t, "eve", "", time.Hour))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("unknown kid: %v %v", resp, err)
	}
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`tollgate_edge_fetch_stale{feed="jwks"} 1`,
		`tollgate_edge_fetch_failures_total{feed="jwks"} 1`,
	} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if code := call(); code != 200 {
		t.Errorf("status %d with the issuer down, want 200 from the last good keys", code)
	}
	if resp, err := http.Get(admin + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz with last good keys: %v %v", resp, err)
	}
}
