// Package testupstream is a test upstream that shows what a proxy really
// sent: the raw bytes of each connection.
package testupstream

import (
	"io"
	"net"
	"testing"
	"time"
)

// Recording starts, until t's cleanup, an upstream on loopback that
// records the bytes of each connection until the connection has been quiet
// for 300 ms, sends them on got, and answers 200 "ok". It returns its base
// URL (http://ADDR).
func Recording(t testing.TB) (baseURL string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var all []byte
				buf := make([]byte, 64<<10)
				for {
					_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
					n, err := c.Read(buf)
					all = append(all, buf[:n]...)
					if err != nil {
						break
					}
				}
				ch <- string(all)
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return "http://" + ln.Addr().String(), ch
}
