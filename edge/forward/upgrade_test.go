package forward

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// echoUpgrade is an upstream that switches to "echo" — it then sends back
// every line it reads, prefixed with what it saw of the upgrade request —
// and refuses any other protocol with 426.
func echoUpgrade(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "echo" || !strings.EqualFold(r.Header.Get("Connection"), "upgrade") {
		w.Header().Set("Upgrade", "echo")
		http.Error(w, "echo only", http.StatusUpgradeRequired)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	seen := r.Header.Get("X-Auth-Subject") + "|" + r.Header.Get("X-Secret") + "|" + r.Header.Get("X-Forwarded-For")
	// The first line follows the 101 in the same write: the proxy must not
	// lose bytes it reads together with the head.
	_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhello " + seen + "\n")
	_ = rw.Flush()
	for {
		line, err := rw.ReadString('\n')
		if err != nil {
			return
		}
		_, _ = rw.WriteString("echo " + line)
		_ = rw.Flush()
	}
}

// TestUpgrade switches protocols through the proxy with net/http's client:
// the 101 and the bytes after it arrive, both directions flow, hop-by-hop
// fields the client named stay behind, and a refused or h2c upgrade is an
// ordinary answer.
func TestUpgrade(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(echoUpgrade))
	defer up.Close()
	upURL, _ := url.Parse(up.URL)
	up2 := NewUpstream(upURL)
	srv := NewServer("test", up2.Serve, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = Serve(srv, ln) }()
	defer func() { _ = srv.Shutdown() }()
	proxy := "http://" + ln.Addr().String()

	upgrade := func(t *testing.T, proto string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", proxy+"/ws", nil)
		req.Header.Set("Connection", "Upgrade, X-Secret")
		req.Header.Set("Upgrade", proto)
		req.Header.Set("X-Secret", "hop")
		req.Header.Set("X-Auth-Subject", "alice") // as the auth middleware leaves it
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	t.Run("switched", func(t *testing.T) {
		resp := upgrade(t, "echo")
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Upgrade") != "echo" ||
			resp.Header.Get("Content-Type") != "" || resp.Header.Get("Content-Length") != "" {
			t.Fatalf("status %d, header %v: want the upstream's 101 as sent", resp.StatusCode, resp.Header)
		}
		rw, ok := resp.Body.(io.ReadWriteCloser)
		if !ok {
			t.Fatalf("body %T is not writable", resp.Body)
		}
		r := bufio.NewReader(rw)
		done := time.AfterFunc(10*time.Second, func() { _ = rw.Close() })
		defer done.Stop()
		if line, err := r.ReadString('\n'); err != nil || line != "hello alice||127.0.0.1\n" {
			t.Fatalf("first line %q, %v", line, err)
		}
		for _, msg := range []string{"one\n", strings.Repeat("x", 100<<10) + "\n", "three\n"} {
			if _, err := io.WriteString(rw, msg); err != nil {
				t.Fatal(err)
			}
			if line, err := r.ReadString('\n'); err != nil || line != "echo "+msg {
				t.Fatalf("echo of %.20q: %.40q, %v", msg, line, err)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		resp := upgrade(t, "chat")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUpgradeRequired || string(body) != "echo only\n" {
			t.Fatalf("%d %q, want 426 from the upstream", resp.StatusCode, body)
		}
	})
	t.Run("h2c", func(t *testing.T) {
		for _, proto := range []string{"h2c", "echo, H2C", "h2c/2.0"} {
			resp := upgrade(t, proto)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("Upgrade: %s: %d, want 400", proto, resp.StatusCode)
			}
		}
	})
	t.Run("metrics", func(t *testing.T) {
		var b strings.Builder
		if err := up2.WriteMetrics(&b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"tollgate_edge_upgrades_total 1\n", `tollgate_edge_upstream_responses_total{class="4xx"} 1` + "\n"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("metrics lack %q:\n%s", want, b.String())
			}
		}
	})
	t.Run("plain requests still pooled", func(t *testing.T) {
		resp, err := http.Get(proxy + "/ws")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUpgradeRequired {
			t.Fatalf("%d, want 426", resp.StatusCode)
		}
	})
}
