package main

// The "done when": `edge proxy` in front of the real issuer accepts
// the issuer's tokens and answers every hostile case with the RFC 6750
// status and WWW-Authenticate error code; a token revoked at the issuer is
// denied once the edge has polled the revocation feed.

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// issuerProc is a running `issuer serve`.
type issuerProc struct {
	bin, db, iss string
}

func startIssuer(t *testing.T) *issuerProc {
	t.Helper()
	dir := t.TempDir()
	p := &issuerProc{bin: filepath.Join(dir, "issuer"), db: filepath.Join(dir, "issuer.db")}
	if out, err := exec.Command("go", "build", "-o", p.bin, "github.com/tollgate/tollgate/issuer/cmd/issuer").CombinedOutput(); err != nil {
		t.Fatalf("build issuer: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p.iss = "http://" + addr + "/o"
	var logs bytes.Buffer
	cmd := exec.Command(p.bin, "serve", "--addr", addr, "--db", p.db, "--audience", "api")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(p.iss + "/.well-known/jwks.json"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("issuer did not start\n%s", logs.String())
		}
	}
}

type clientCreds struct {
	ID     string `json:"client_id"`
	Secret string `json:"client_secret"`
}

func (p *issuerProc) addClient(t *testing.T, name, scope, audience string) clientCreds {
	t.Helper()
	out, err := exec.Command(p.bin, "client", "add", "--db", p.db, "--name", name, "--grant", "client_credentials",
		"--scope", scope, "--audience", audience, "--json").Output()
	if err != nil {
		t.Fatalf("client add: %v", err)
	}
	var c clientCreds
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *issuerProc) token(t *testing.T, c clientCreds, scope string) string {
	t.Helper()
	resp, err := http.PostForm(p.iss+"/token/", url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
		"client_id": {c.ID}, "client_secret": {c.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token: status %d, %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

func TestProxyInFrontOfIssuer(t *testing.T) {
	iss := startIssuer(t)
	reader := iss.addClient(t, "reader", "read write", "api")
	foreign := iss.addClient(t, "foreign", "read", "other-api")

	up := httptest.NewServer(http.HandlerFunc(echo))
	defer up.Close()
	policy := filepath.Join(t.TempDir(), "policy.json")
	doc := `{"issuer":"` + iss.iss + `","audiences":["api"],"scopes":["read"],
		"jwks_url":"` + iss.iss + `/.well-known/jwks.json","revocations_url":"` + iss.iss + `/revoked",
		"refresh_seconds":1,"routes":[{"method":"POST","path":"/admin/*","scopes":["admin"]}]}`
	if err := os.WriteFile(policy, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy, _ := startProxy(t, "--upstream", up.URL, "--policy", policy, "--min-refresh", "1s")

	good := iss.token(t, reader, "read")
	tampered := good[:len(good)-4] + flip(good[len(good)-4:])
	tests := []struct {
		name, method, path, auth string
		status                   int
		errCode                  string // in WWW-Authenticate; "" = realm only
		body                     string // in the upstream's echo
	}{
		{"issuer token allowed", "GET", "/things", "Bearer " + good, 200, "", "X-Auth-Client-Id=" + reader.ID},
		{"no token", "GET", "/things", "", 401, "", ""},
		{"not bearer", "GET", "/things", "Basic dXNlcjpwdw==", 401, "", ""},
		{"malformed header", "GET", "/things", "Bearer a b", 400, "invalid_request", ""},
		{"tampered signature", "GET", "/things", "Bearer " + tampered, 401, "invalid_token", ""},
		{"foreign audience", "GET", "/things", "Bearer " + iss.token(t, foreign, "read"), 401, "invalid_token", ""},
		{"not a JWT", "GET", "/things", "Bearer abc.def", 401, "invalid_token", ""},
		{"missing the policy scope", "GET", "/things", "Bearer " + iss.token(t, reader, "write"), 403, "insufficient_scope", ""},
		{"route needs admin", "POST", "/admin/users", "Bearer " + good, 403, "insufficient_scope", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, challenge, body := call(t, tt.method, proxy+tt.path, tt.auth)
			if status != tt.status {
				t.Fatalf("status %d, want %d (WWW-Authenticate %q)", status, tt.status, challenge)
			}
			if status >= 400 {
				if !strings.HasPrefix(challenge, `Bearer realm=`) {
					t.Errorf("WWW-Authenticate = %q", challenge)
				}
				hasErr := strings.Contains(challenge, "error=")
				if tt.errCode == "" && hasErr || tt.errCode != "" && !strings.Contains(challenge, `error="`+tt.errCode+`"`) {
					t.Errorf("WWW-Authenticate = %q, want error %q", challenge, tt.errCode)
				}
			}
			if !strings.Contains(body, tt.body) {
				t.Errorf("body %q lacks %q", body, tt.body)
			}
		})
	}

	// Revoke the good token at the issuer (RFC 7009); the edge must deny it
	// once it has polled /o/revoked.
	resp, err := http.PostForm(iss.iss+"/revoke_token/", url.Values{"token": {good}, "token_type_hint": {"access_token"},
		"client_id": {reader.ID}, "client_secret": {reader.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		status, challenge, _ := call(t, "GET", proxy+"/things", "Bearer "+good)
		if status == 401 && strings.Contains(challenge, `error="invalid_token"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("revoked token still answered %d after 15 s", status)
		}
	}
}

func call(t *testing.T, method, u, auth string) (status int, challenge, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), b.String()
}

// flip changes every character of s to another base64url character.
func flip(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == 'A' {
			out[i] = 'B'
		} else {
			out[i] = 'A'
		}
	}
	return string(out)
}
