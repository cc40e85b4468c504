package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestProxyLargeBodies sends and fetches bodies far over fasthttp's default
// 4 MiB limit through the proxy: an API gateway must not cap uploads or
// downloads. A denied upload still gets its 401 rather than a reset.
func TestProxyLargeBodies(t *testing.T) {
	const size = 24 << 20
	payload := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	sum := sha256.Sum256(payload)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" {
			w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
			_, _ = w.Write(payload)
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	}))
	defer up.Close()
	s := newSigner(t, "k1")
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, s.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy, _ := startProxy(t, "--upstream", up.URL, "--issuer", "http://issuer.test/o",
		"--audience", "api", "--scope", "read", "--jwks-file", jwks)
	tok := s.token(t, "alice", "read", time.Hour)

	do := func(t *testing.T, method, auth string, body io.Reader, contentType ...string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, proxy+"/blob", body)
		for _, ct := range contentType {
			req.Header.Set("Content-Type", ct)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s: reading the response: %v", method, err)
		}
		return resp.StatusCode, b
	}

	t.Run("upload", func(t *testing.T) {
		status, body := do(t, "POST", "Bearer "+tok, bytes.NewReader(payload))
		if want := fmt.Sprintf("%d %s", size, hex.EncodeToString(sum[:])); status != 200 || string(body) != want {
			t.Fatalf("%d %.200s, want 200 %s", status, body, want)
		}
	})
	t.Run("chunked upload", func(t *testing.T) {
		status, body := do(t, "POST", "Bearer "+tok, io.MultiReader(bytes.NewReader(payload))) // no length: chunked
		if want := fmt.Sprintf("%d %s", size, hex.EncodeToString(sum[:])); status != 200 || string(body) != want {
			t.Fatalf("%d %.200s, want 200 %s", status, body, want)
		}
	})
	t.Run("multipart upload is forwarded as sent", func(t *testing.T) {
		for _, size := range []int{100, size} { // prefetched whole, and streamed
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "blob.bin")
			_, _ = fw.Write(payload[:size])
			_ = mw.WriteField("note", "x")
			_ = mw.Close()
			want := sha256.Sum256(b.Bytes())
			status, body := do(t, "POST", "Bearer "+tok, bytes.NewReader(b.Bytes()), mw.FormDataContentType())
			if w := fmt.Sprintf("%d %s", b.Len(), hex.EncodeToString(want[:])); status != 200 || string(body) != w {
				t.Fatalf("%d-byte file: %d %.200s, want 200 %s", size, status, body, w)
			}
		}
	})
	t.Run("download", func(t *testing.T) {
		status, body := do(t, "GET", "Bearer "+tok, nil)
		if status != 200 || !bytes.Equal(body, payload) {
			t.Fatalf("%d, %d bytes, want 200 and the %d-byte payload", status, len(body), size)
		}
	})
	t.Run("denied upload", func(t *testing.T) {
		for range 5 {
			if status, body := do(t, "POST", "", bytes.NewReader(payload)); status != 401 {
				t.Fatalf("%d %.200s, want 401", status, body)
			}
		}
	})
}

// TestProxyUpgrade switches protocols through `edge proxy`: only with a
// valid token, and the upstream sees the verified identity, not a forged one.
func TestProxyUpgrade(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n" +
			"subject=" + strings.Join(r.Header.Values("X-Auth-Subject"), ",") + "\n")
		_ = rw.Flush()
		line, _ := rw.ReadString('\n')
		_, _ = rw.WriteString("echo " + line)
		_ = rw.Flush()
	}))
	defer up.Close()
	s := newSigner(t, "k1")
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, s.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy, _ := startProxy(t, "--upstream", up.URL, "--issuer", "http://issuer.test/o",
		"--audience", "api", "--scope", "read", "--jwks-file", jwks)

	upgrade := func(auth string) *http.Response {
		req, _ := http.NewRequest("GET", proxy+"/ws", nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "echo")
		req.Header.Set("X-Auth-Subject", "root")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := upgrade("Bearer " + s.token(t, "alice", "read", time.Hour))
	defer resp.Body.Close()
	rw, ok := resp.Body.(io.ReadWriteCloser)
	if resp.StatusCode != http.StatusSwitchingProtocols || !ok {
		t.Fatalf("status %d (body %T), want 101", resp.StatusCode, resp.Body)
	}
	defer time.AfterFunc(10*time.Second, func() { _ = rw.Close() }).Stop()
	r := bufio.NewReader(rw)
	if line, err := r.ReadString('\n'); err != nil || line != "subject=alice\n" {
		t.Fatalf("upstream saw %q, %v; want only the verified subject", line, err)
	}
	if _, err := io.WriteString(rw, "ping\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := r.ReadString('\n'); err != nil || line != "echo ping\n" {
		t.Fatalf("%q, %v", line, err)
	}

	denied := upgrade("")
	denied.Body.Close()
	if denied.StatusCode != http.StatusUnauthorized {
		t.Fatalf("upgrade without a token: %d, want 401", denied.StatusCode)
	}
}
