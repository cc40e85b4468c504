package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// ioTimeout bounds reading a request and writing a response; the operation
// itself (a store transaction, maybe an RSA key generation) is not bounded.
const ioTimeout = 10 * time.Second

// Server serves a Backend on the admin socket.
type Server struct {
	backend Backend
	path    string
	l       *net.UnixListener
	fi      os.FileInfo // the socket we created, for a safe remove

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // connections in flight
	once   sync.Once
}

// Listen creates the admin socket at path (normally SocketPath(db)) with
// mode 0600, and returns a Server that will serve b on it once Serve is
// called. A stale socket at path is replaced; a live one, or a file that is
// not a socket, gives ErrSocketInUse.
func Listen(path string, b Backend) (*Server, error) {
	l, fi, err := listenSocket(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{backend: b, path: path, l: l, fi: fi, ctx: ctx, cancel: cancel}, nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Serve accepts connections until Close, answering each one's request in
// its own goroutine. It returns nil after Close.
func (s *Server) Serve() error {
	for {
		c, err := s.l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil { // e.g. out of file descriptors: back off, keep serving
			select {
			case <-s.ctx.Done():
				return nil
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
		}()
	}
}

// Close stops accepting, waits for requests in flight to be answered (so no
// acknowledged write is cut off), and removes the socket file if it is still
// the one Listen created. Safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		err = s.l.Close()
		s.cancel()
		s.wg.Wait()
		if fi, lerr := os.Lstat(s.path); lerr == nil && os.SameFile(fi, s.fi) {
			_ = os.Remove(s.path)
		}
	})
	return err
}

// handle answers one request on c and closes it.
func (s *Server) handle(c net.Conn) {
	defer func() { _ = c.Close() }()
	_ = c.SetReadDeadline(time.Now().Add(ioTimeout))
	var req request
	var res *response
	if err := json.NewDecoder(io.LimitReader(c, maxRequestBytes)).Decode(&req); err != nil {
		res = errorResponse(errors.Join(ErrProtocol, err))
	} else {
		res = dispatch(s.ctx, s.backend, &req)
	}
	_ = c.SetWriteDeadline(time.Now().Add(ioTimeout))
	_ = json.NewEncoder(c).Encode(res)
}
