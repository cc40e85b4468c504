package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/internal/testupstream"
)

// rawRequest sends req to the proxy on its own connection and returns the
// answer's status line and what the upstream received ("" if nothing).
func rawRequest(t *testing.T, proxy, req string, got <-chan string) (status, upstream string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(proxy, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() { _, _ = io.WriteString(c, req) }()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, _ = bufio.NewReader(c).ReadString('\n')
	select {
	case upstream = <-got:
	case <-time.After(time.Second):
	}
	return strings.TrimSpace(status), upstream
}

func forgeryProxy(t *testing.T) (proxy string, got <-chan string, tok string) {
	t.Helper()
	s := newSigner(t, "k1")
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, s.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	up, got := testupstream.Recording(t)
	proxy, _ = startProxy(t, "--upstream", up, "--issuer", "http://issuer.test/o", "--audience", "api", "--jwks-file", jwks)
	return proxy, got, s.token(t, "alice", "read", time.Hour)
}

// TestProxyForgedAuthFields: through `edge proxy`, no client-sent field
// the upstream could read as X-Auth-* survives: not an underscore spelling
// in the header section (CGI, WSGI, PHP, Rack, nginx with
// underscores_in_headers read X_Auth_Subject as X-Auth-Subject), nor one in
// the trailer of a chunked body, small or streamed.
func TestProxyForgedAuthFields(t *testing.T) {
	proxy, got, tok := forgeryProxy(t)
	auth := "Authorization: Bearer " + tok + "\r\n"
	forged := func(upstream string) bool {
		return strings.Contains(strings.ToLower(strings.ReplaceAll(upstream, "_", "-")), "x-auth-role") ||
			strings.Contains(upstream, "forged")
	}
	t.Run("underscore spellings", func(t *testing.T) {
		status, seen := rawRequest(t, proxy, "GET /x HTTP/1.1\r\nHost: a\r\n"+auth+
			"X_Auth_Subject: forged\r\nx-auth_scope: forged\r\nX_AUTH_ROLE: admin\r\n\r\n", got)
		if status != "HTTP/1.1 200 OK" || !strings.Contains(seen, "X-Auth-Subject: alice\r\n") {
			t.Fatalf("status %q, upstream saw\n%s", status, seen)
		}
		if forged(seen) {
			t.Errorf("forged fields reached the upstream:\n%s", seen)
		}
	})
	for _, size := range []int{5, 300 << 10} {
		t.Run(fmt.Sprintf("trailer after %d bytes", size), func(t *testing.T) {
			req := "POST /x HTTP/1.1\r\nHost: a\r\n" + auth + "Trailer: X-Auth-Role\r\nTransfer-Encoding: chunked\r\n\r\n" +
				strconv.FormatInt(int64(size), 16) + "\r\n" + strings.Repeat("a", size) + "\r\n0\r\n" +
				"X-Auth-Role: admin\r\nX-Auth-Subject: forged\r\nX_Auth_Scope: forged\r\n\r\n"
			status, seen := rawRequest(t, proxy, req, got)
			if status != "HTTP/1.1 200 OK" || !strings.Contains(seen, "X-Auth-Subject: alice\r\n") {
				t.Fatalf("status %q, upstream saw %q", status, seen[:min(len(seen), 600)])
			}
			if forged(seen) {
				t.Errorf("forged trailer fields reached the upstream: %q", seen[max(0, len(seen)-200):])
			}
		})
	}
}
