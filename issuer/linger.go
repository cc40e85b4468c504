package issuer

import (
	"io"
	"net"
	"sync/atomic"
	"time"
)

// When fasthttp rejects a request it could not read — a body over
// MaxBodyBytes, a header over the read buffer, a timeout — it answers and
// closes the connection with the rest of the request unread. A TCP socket
// closed with unread input answers the peer with a reset, and a reset can
// overtake the answer: the client sees "connection reset by peer" instead of
// a JSON 413. So such a connection is closed the way net/http does it: send
// the answer and our FIN, read and discard what the client still sends, then
// close. Bounded in bytes and time, and off the fasthttp worker.
const (
	lingerMaxBytes = 1 << 20
	lingerTimeout  = 2 * time.Second
)

// lingerListener hands fasthttp connections whose Close lingers once
// onReadError has marked them.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

type lingerConn struct {
	net.Conn
	linger atomic.Bool
}

// lingerOnClose marks c, if it came from a lingerListener, to drain its
// input when it is closed.
func lingerOnClose(c net.Conn) {
	if lc, ok := c.(*lingerConn); ok {
		lc.linger.Store(true)
	}
}

func (c *lingerConn) Close() error {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !c.linger.Load() || !ok {
		return c.Conn.Close()
	}
	if err := cw.CloseWrite(); err != nil {
		return c.Conn.Close()
	}
	go func() {
		_ = c.Conn.SetReadDeadline(time.Now().Add(lingerTimeout))
		_, _ = io.CopyN(io.Discard, c.Conn, lingerMaxBytes)
		_ = c.Conn.Close()
	}()
	return nil
}
