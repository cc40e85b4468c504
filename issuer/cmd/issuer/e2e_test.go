package main

// End-to-end tests: the real bin/issuer binary, a real loopback listener, real
// client libraries (golang.org/x/oauth2, coreos/go-oidc, jwx, golang-jwt).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/jwk"
	jwxjwt "github.com/lestrrat-go/jwx/v3/jwt"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var issuerBin string // built once by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tollgate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	issuerBin = filepath.Join(dir, "issuer")
	args := []string{"build", "-o", issuerBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building issuer: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `issuer serve` process.
type server struct {
	t      testing.TB
	db     string
	addr   string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func (s *server) issuer() string { return "http://" + s.addr + "/o" }

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `issuer serve` on db (a fresh one when db is "") and waits
// until discovery answers.
func startServer(t testing.TB, db string, extra ...string) *server {
	t.Helper()
	if db == "" {
		db = filepath.Join(t.TempDir(), "issuer.db")
	}
	s := &server{t: t, db: db, addr: freeAddr(t), stderr: new(bytes.Buffer)}
	args := append([]string{"serve", "--addr", s.addr, "--db", db}, extra...)
	s.cmd = exec.Command(issuerBin, args...)
	s.cmd.Stderr = s.stderr
	s.cmd.Stdout = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.issuer() + "/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("issuer did not start: %v\n%s", err, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the server gracefully (SIGTERM) and waits for it.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = s.cmd.Wait() // stop only waits: the exit status is not under test
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		s.t.Errorf("issuer did not stop on SIGTERM\n%s", s.stderr)
	}
}

// kill ends the server with SIGKILL, as a crash would.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// cli runs bin/issuer with args and returns stdout; it fails the test on a non-zero exit.
func cli(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(stdin, args...)
	if err != nil {
		t.Fatalf("issuer %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func runCLI(stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(issuerBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

type credentials struct {
	ID     string `json:"client_id"`
	Secret string `json:"client_secret"`
}

func addClient(t testing.TB, db, name string, extra ...string) credentials {
	t.Helper()
	args := append([]string{"client", "add", "--db", db, "--name", name, "--grant", "client_credentials", "--scope", "read write", "--json"}, extra...)
	var c credentials
	if err := json.Unmarshal([]byte(cli(t, "", args...)), &c); err != nil || c.ID == "" || c.Secret == "" {
		t.Fatalf("client add printed no credentials: %v", err)
	}
	return c
}

// TestClientCredentialsVerifiesThroughDiscovery is the "done when": a
// token from x/oauth2 verifies through discovery + JWKS in go-oidc, jwx and golang-jwt.
func TestClientCredentialsVerifiesThroughDiscovery(t *testing.T) {
	s := startServer(t, "")
	c := addClient(t, s.db, "e2e") // through the admin socket: serve holds the lock
	ctx := context.Background()

	provider, err := oidc.NewProvider(ctx, s.issuer())
	if err != nil {
		t.Fatalf("go-oidc discovery: %v", err)
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil {
		t.Fatal(err)
	}
	cc := clientcredentials.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: provider.Endpoint().TokenURL, Scopes: []string{"read"}}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("x/oauth2 client_credentials: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
		t.Errorf("token type %q expiry %v", tok.TokenType, tok.Expiry)
	}
	if got := tok.Extra("scope"); got != "read" {
		t.Errorf("scope in response = %v, want read", got)
	}

	// go-oidc: signature through the remote key set.
	payload, err := oidc.NewRemoteKeySet(ctx, meta.JWKSURI).VerifySignature(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("go-oidc remote key set: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]any{"iss": s.issuer(), "sub": c.ID, "client_id": c.ID, "scope": "read"} {
		if claims[name] != want {
			t.Errorf("claim %s = %v, want %v", name, claims[name], want)
		}
	}
	for _, name := range []string{"aud", "exp", "iat", "nbf", "jti"} {
		if claims[name] == nil {
			t.Errorf("claim %s missing", name)
		}
	}

	// jwx: full JWT validation with the fetched JWKS.
	set, err := jwk.Fetch(ctx, meta.JWKSURI)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwxjwt.Parse([]byte(tok.AccessToken), jwxjwt.WithKeySet(set), jwxjwt.WithIssuer(s.issuer()), jwxjwt.WithValidate(true)); err != nil {
		t.Fatalf("jwx: %v", err)
	}

	// golang-jwt: typ header and algorithm.
	parsed, _, err := jwt.NewParser().ParseUnverified(tok.AccessToken, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["typ"] != "at+jwt" || parsed.Header["alg"] != "ES256" || parsed.Header["kid"] == nil {
		t.Errorf("header = %v, want typ at+jwt, alg ES256, a kid", parsed.Header)
	}
}

// TestHostileTokenRequests sends what a hostile or broken client would.
func TestHostileTokenRequests(t *testing.T) {
	s := startServer(t, "")
	c := addClient(t, s.db, "hostile")
	var web credentials // a client that may not use client_credentials
	if err := json.Unmarshal([]byte(cli(t, "", "client", "add", "--db", s.db, "--name", "web", "--grant", "authorization_code",
		"--redirect-uri", "https://app.example/cb", "--json")), &web); err != nil {
		t.Fatal(err)
	}
	tokenURL := s.issuer() + "/token/"
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		contentType string
		body        string
		basic       *credentials // client_secret_basic when set
		status      int
		errCode     string
	}{
		{"ok", form, "grant_type=client_credentials&client_id=" + c.ID + "&client_secret=" + c.Secret, nil, 200, ""},
		{"oversize body (100 KiB; the limit is 64 KiB)", form, "grant_type=client_credentials&x=" + strings.Repeat("a", 100<<10), &c, 413, "invalid_request"},
		{"malformed form encoding", form, "grant_type=client_credentials&scope=%zz", &c, 400, "invalid_request"},
		{"repeated parameter", form, "grant_type=client_credentials&grant_type=client_credentials", &c, 400, "invalid_request"},
		{"unknown client", form, "grant_type=client_credentials", &credentials{ID: "nobody", Secret: "x"}, 401, "invalid_client"},
		{"wrong secret", form, "grant_type=client_credentials", &credentials{ID: c.ID, Secret: "wrong"}, 401, "invalid_client"},
		{"wrong content type", "application/json", `{"grant_type":"client_credentials"}`, &c, 400, "invalid_request"},
		{"both auth methods", form, "grant_type=client_credentials&client_id=" + c.ID + "&client_secret=" + c.Secret, &c, 400, "invalid_request"},
		{"no auth", form, "grant_type=client_credentials", nil, 401, "invalid_client"},
		{"unsupported grant", form, "grant_type=urn:example:nope", &c, 400, "unsupported_grant_type"},
		{"grant not allowed to the client", form, "grant_type=client_credentials", &web, 400, "unauthorized_client"},
		{"scope outside the client's", form, "grant_type=client_credentials&scope=admin", &c, 400, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", tokenURL, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			if tt.basic != nil {
				req.SetBasicAuth(url.QueryEscape(tt.basic.ID), url.QueryEscape(tt.basic.Secret))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", resp.Header.Get("Cache-Control"))
			}
			var e struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			if e.Error != tt.errCode {
				t.Errorf("error = %q, want %q", e.Error, tt.errCode)
			}
			if tt.status == 401 && tt.basic != nil && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("401 after Basic without WWW-Authenticate: Basic (got %q)", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestKeyRotationEndToEnd: the next key is published before it signs, and a
// token signed before rotation still verifies after it.
func TestKeyRotationEndToEnd(t *testing.T) {
	s := startServer(t, "", "--jwks-max-age", "1s", "--key-publish-ahead", "2s")
	c := addClient(t, s.db, "rotation")
	ctx := context.Background()
	cc := clientcredentials.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: s.issuer() + "/token/"}
	kidOf := func(tok *oauth2.Token) string {
		p, _, err := jwt.NewParser().ParseUnverified(tok.AccessToken, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Header["kid"].(string)
	}
	published := func() map[string]bool {
		set, err := jwk.Fetch(ctx, s.issuer()+"/.well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		kids := map[string]bool{}
		for i := 0; i < set.Len(); i++ {
			k, _ := set.Key(i)
			kid, _ := k.KeyID()
			kids[kid] = true
		}
		return kids
	}
	before, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldKid := kidOf(before)

	cli(t, "", "keys", "rotate", "--db", s.db, "--alg", "ES256")
	kids := published()
	if len(kids) < 2 || !kids[oldKid] {
		t.Fatalf("after rotate, JWKS = %v; want the old key and the next one", kids)
	}
	during, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kidOf(during) != oldKid {
		t.Fatalf("the next key signed before its publish-ahead time")
	}
	var newKid string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		tok, err := cc.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if k := kidOf(tok); k != oldKid {
			newKid = k
			break
		}
	}
	if newKid == "" || !kids[newKid] {
		t.Fatalf("the new signing key %q was not the one published ahead (%v)", newKid, kids)
	}
	if _, err := oidc.NewRemoteKeySet(ctx, s.issuer()+"/.well-known/jwks.json").VerifySignature(ctx, before.AccessToken); err != nil {
		t.Fatalf("token signed before rotation no longer verifies: %v", err)
	}
}

// TestCrashKeepsAcknowledgedClients kills the server with SIGKILL while
// clients are added through the admin socket; every acknowledged client
// must be there after a restart.
func TestCrashKeepsAcknowledgedClients(t *testing.T) {
	s := startServer(t, "")
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				out, _, err := runCLI("", "client", "add", "--db", s.db, "--name", fmt.Sprintf("crash-%d-%d", w, i), "--grant", "client_credentials", "--json")
				if err != nil {
					return // the server died under us: this one was not acknowledged
				}
				var c credentials
				if json.Unmarshal([]byte(out), &c) == nil && c.ID != "" {
					mu.Lock()
					acked = append(acked, c.ID)
					mu.Unlock()
				}
			}
		}(w)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 || time.Now().After(deadline) {
			break
		}
	}
	s.kill()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatalf("no client was acknowledged before the kill\n%s", s.stderr)
	}

	// Offline (no server): the CLI opens the db directly.
	out := cli(t, "", "client", "list", "--db", s.db, "--json")
	for _, id := range acked {
		if !strings.Contains(out, id) {
			t.Errorf("acknowledged client %s lost after kill -9", id)
		}
	}
	// And the restarted server serves them.
	s2 := startServer(t, s.db)
	out = cli(t, "", "client", "list", "--db", s2.db, "--json")
	for _, id := range acked {
		if !strings.Contains(out, id) {
			t.Errorf("acknowledged client %s missing after restart", id)
		}
	}
	t.Logf("%d clients acknowledged before kill -9, all present", len(acked))
}

// TestAdminSocketIsPrivate: the socket beside the db is mode 0600 and the
// public port does not answer admin requests.
func TestAdminSocketIsPrivate(t *testing.T) {
	s := startServer(t, "")
	fi, err := os.Stat(s.db + ".sock")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("admin socket mode = %v, want a 0600 socket", fi.Mode())
	}
	resp, err := http.Post("http://"+s.addr+"/admin", "application/json", strings.NewReader(`{"op":"client.list"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("public port answered an admin path with %d", resp.StatusCode)
	}
}

// TestServeRefusesSecondInstance: a second serve on the same db fails clearly
// instead of waiting forever on the bbolt lock.
func TestServeRefusesSecondInstance(t *testing.T) {
	s := startServer(t, "")
	cmd := exec.CommandContext(context.Background(), issuerBin, "serve", "--addr", freeAddr(t), "--db", s.db)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	msg, _ := bufio.NewReader(stderr).ReadString('\n')
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("second serve did not fail: %v", err)
	}
	if !strings.Contains(strings.ToLower(msg), "in use") && !strings.Contains(strings.ToLower(msg), "locked") {
		t.Errorf("second serve message = %q, want it to say the db is in use", msg)
	}
}

// TestHealthAndMetrics runs serve with --admin-listen: /healthz answers,
// /metrics counts what the public port served, and neither is on the public
// port.
func TestHealthAndMetrics(t *testing.T) {
	admin := freeAddr(t)
	s := startServer(t, "", "--admin-listen", admin)
	c := addClient(t, s.db, "metered")
	cc := clientcredentials.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: s.issuer() + "/token/"}
	if _, err := cc.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	if code, _, body := get("http://" + admin + "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, ct, body := get("http://" + admin + "/metrics")
	if code != 200 || !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %s", code, ct)
	}
	for _, want := range []string{
		`tollgate_issuer_tokens_issued_total{grant_type="client_credentials"} 1`,
		`tollgate_issuer_requests_total{path="/o/token/",code="200"} 1`,
		`tollgate_issuer_requests_total{path="/o/.well-known/openid-configuration",code="200"}`, // startServer's probes
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, p := range []string{"/healthz", "/metrics"} {
		if code, _, _ := get("http://" + s.addr + p); code != 404 {
			t.Errorf("public port %s: %d, want 404", p, code)
		}
	}
}

// TestClientUpdateWhileServing: `client update` through the admin socket
// takes effect at once: a new secret locks the old one out, narrowed
// scopes bind the next token, and misuse is refused.
func TestClientUpdateWhileServing(t *testing.T) {
	s := startServer(t, "")
	c := addClient(t, s.db, "rotating")
	ctx := context.Background()
	token := func(secret string, scopes ...string) (*oauth2.Token, error) {
		cc := clientcredentials.Config{ClientID: c.ID, ClientSecret: secret, TokenURL: s.issuer() + "/token/", Scopes: scopes}
		return cc.Token(ctx)
	}
	if _, err := token(c.Secret, "write"); err != nil {
		t.Fatalf("before the update: %v", err)
	}
	var upd credentials
	if err := json.Unmarshal([]byte(cli(t, "", "client", "update", "rotating", "--db", s.db, "--new-secret", "--scope", "read", "--json")), &upd); err != nil ||
		upd.ID != c.ID || len(upd.Secret) != 43 || upd.Secret == c.Secret {
		t.Fatalf("client update printed %+v (%v)", upd, err)
	}
	var re *oauth2.RetrieveError
	if _, err := token(c.Secret); !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("old secret after the update: %v, want invalid_client", err)
	}
	if tok, err := token(upd.Secret); err != nil || tok.Extra("scope") != "read" {
		t.Errorf("new secret: %v, scope %v; want scope read", err, tok.Extra("scope"))
	}
	if _, err := token(upd.Secret, "write"); !errors.As(err, &re) || re.ErrorCode != "invalid_scope" {
		t.Errorf("a scope taken away: %v, want invalid_scope", err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"client", "update", "rotating", "--db", s.db}, "nothing to update"},
		{[]string{"client", "update", "nope", "--db", s.db, "--scope", "read"}, `no client with id or name "nope"`},
		{[]string{"client", "update", "rotating", "--db", s.db, "--grant", "implicit"}, `unknown grant type "implicit"`},
	} {
		if _, errOut, err := runCLI("", tt.args...); err == nil || !strings.Contains(errOut, tt.want) {
			t.Errorf("issuer %s: %v, stderr %q; want %q", strings.Join(tt.args, " "), err, errOut, tt.want)
		}
	}
}
