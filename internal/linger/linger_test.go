package linger

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// TestLinger has a server answer at once and close with a large request
// still arriving: the client reads the whole answer and then EOF. (Unmarked,
// the same close usually answers with a reset — usually: whether the reset
// overtakes the answer is a race, which is why this package exists.)
func TestLinger(t *testing.T) {
	answer := []byte("HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	for range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln = Listener(ln)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 1024)
			_, _ = io.ReadFull(c, buf) // the request line, not the body
			_, _ = c.Write(answer)
			OnClose(c)
			_ = c.Close()
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = c.Write(bytes.Repeat([]byte("x"), 512<<10)) }()
		time.Sleep(100 * time.Millisecond) // let the close happen while the body is in flight
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c)
		_ = c.Close()
		_ = ln.Close()
		if err != nil || !bytes.Equal(got, answer) {
			t.Fatalf("read %q, %v; want the answer and EOF", got, err)
		}
	}
}
