package forward

import (
	"bufio"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/internal/testupstream"
)

// TestStreamedTrailerAuthFields: a chunked request body streams to the
// upstream after the auth middleware has run, and its trailer is read only
// then. X-Auth-* fields in that trailer (any case, '_' for '-') must not
// reach the upstream, where fasthttp's Peek, for one, returns trailer fields
// like header fields; other trailer fields pass.
func TestStreamedTrailerAuthFields(t *testing.T) {
	base, got := testupstream.Recording(t)
	upURL, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	up := NewUpstream(upURL)
	srv := NewServer("test", up.Serve, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = Serve(srv, ln) }()
	defer func() { _ = srv.Shutdown() }()

	for _, size := range []int{5, StreamAfter + 1000} {
		for _, announce := range []string{"", "Trailer: X-Auth-Role\r\n"} {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			req := "POST /upload HTTP/1.1\r\nHost: api.test\r\n" + announce + "Transfer-Encoding: chunked\r\n\r\n" +
				strconv.FormatInt(int64(size), 16) + "\r\n" + strings.Repeat("a", size) + "\r\n0\r\n" +
				"X-Auth-Role: admin\r\nx_auth_subject: root\r\nX-Other: kept\r\n\r\n"
			go func() { _, _ = io.WriteString(c, req) }()
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			status, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if !strings.HasPrefix(status, "HTTP/1.1 200") {
				t.Fatalf("size %d, announce %q: status %q", size, announce, status)
			}
			var seen string
			select {
			case seen = <-got:
			case <-time.After(2 * time.Second):
				t.Fatal("nothing reached the upstream")
			}
			end := strings.LastIndex(seen, "\r\n0\r\n")
			if end < 0 {
				t.Fatalf("size %d: no last chunk in %q", size, seen[max(0, len(seen)-200):])
			}
			trailer := seen[end+len("\r\n0\r\n"):]
			if strings.Contains(strings.ToLower(strings.ReplaceAll(trailer, "_", "-")), "x-auth-") {
				t.Errorf("size %d, announce %q: X-Auth-* trailer fields reached the upstream: %q", size, announce, trailer)
			}
			if !strings.Contains(trailer, "X-Other: kept\r\n") {
				t.Errorf("size %d, announce %q: other trailer field lost: %q", size, announce, trailer)
			}
		}
	}
}
