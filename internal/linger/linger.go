// Package linger closes TCP connections that still have request bytes
// unread without resetting them, so the client reads the answer it was sent.
//
// A fasthttp server that rejects a request it could not read — a body over
// its limit, a header over the read buffer, a timeout — or whose handler
// answered without reading a large body answers and closes the connection
// with the rest of the request unread. A TCP socket closed with unread input
// answers the peer with a reset, and a reset can overtake the answer: the
// client sees "connection reset by peer" instead of a 413 or a 401. So such a
// connection is closed the way net/http does it: send the answer and our FIN,
// read and discard what the client still sends, then close. Past maxBytes it
// stops reading and only waits, until the deadline, for the client to read
// the answer: a client sending a gigabyte is not worth a gigabyte of reads.
// Bounded in bytes and time, and off the server's worker goroutine.
package linger

import (
	"io"
	"net"
	"sync/atomic"
	"time"
)

// What a marked connection drains after its answer, at most.
const (
	maxBytes = 1 << 20
	timeout  = 2 * time.Second
)

// Listener returns ln with its accepted connections wrapped so that a
// connection marked by OnClose drains its input when it is closed.
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

type conn struct {
	net.Conn
	linger atomic.Bool
}

// OnClose marks c, if it came from a Listener, to drain its input when it is
// closed. Marking costs one atomic store; a connection closed unmarked closes
// at once.
func OnClose(c net.Conn) {
	if lc, ok := c.(*conn); ok {
		lc.linger.Store(true)
	}
}

func (c *conn) Close() error {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !c.linger.Load() || !ok {
		return c.Conn.Close()
	}
	if err := cw.CloseWrite(); err != nil {
		return c.Conn.Close()
	}
	go func() {
		deadline := time.Now().Add(timeout)
		_ = c.Conn.SetReadDeadline(deadline)
		if n, _ := io.CopyN(io.Discard, c.Conn, maxBytes); n == maxBytes {
			time.Sleep(time.Until(deadline))
		}
		_ = c.Conn.Close()
	}()
	return nil
}
