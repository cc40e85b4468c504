package admin

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"
)

// SocketSuffix is appended to the database path to name the admin socket.
const SocketSuffix = ".sock"

// maxSocketPath is the longest unix socket path every supported OS accepts
// (sun_path is 104 bytes on the BSDs and macOS, 108 on Linux, NUL included).
const maxSocketPath = 103

// SocketPath returns the admin socket of the database at dbPath: "<dbPath>.sock".
func SocketPath(dbPath string) string { return dbPath + SocketSuffix }

// listenSocket binds a unix socket at path with mode 0600 from the first
// instant it is reachable there: it binds inside a fresh 0700 directory,
// chmods, and renames the socket into place (replacing a stale one
// atomically). It returns the listener and the socket's identity, so Close
// removes the file only if it is still this socket.
func listenSocket(path string) (*net.UnixListener, os.FileInfo, error) {
	if len(path) > maxSocketPath {
		return nil, nil, fmt.Errorf("admin: socket path %s is longer than %d bytes; use a shorter --db path", path, maxSocketPath)
	}
	if err := checkStale(path); err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".admin")
	if err != nil {
		return nil, nil, fmt.Errorf("admin: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	tmp := filepath.Join(dir, "s")
	if len(tmp) > maxSocketPath {
		return nil, nil, fmt.Errorf("admin: socket path %s is too long; use a shorter --db path", tmp)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, nil, fmt.Errorf("admin: listen: %w", err)
	}
	l.SetUnlinkOnClose(false)
	fail := func(err error) (*net.UnixListener, os.FileInfo, error) {
		_ = l.Close()
		return nil, nil, fmt.Errorf("admin: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fail(err)
	}
	return l, fi, nil
}

// checkStale returns nil if path is absent or a socket nobody answers on,
// and ErrSocketInUse if it is another kind of file or a live socket.
func checkStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%w: %s exists and is not a socket; not replacing it", ErrSocketInUse, path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("%w: a server is already listening on %s", ErrSocketInUse, path)
	}
	return nil // stale: nobody listens; the rename replaces it
}
