package admin

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tollgate/tollgate/issuer/store"
)

func TestSocketMode(t *testing.T) {
	local, _, path := mustLocal(t)
	srv := mustServe(t, local, path)
	if srv.Path() != path+".sock" {
		t.Errorf("Path = %s, want %s.sock", srv.Path(), path)
	}
	fi, err := os.Lstat(srv.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".admin") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
}

func TestCloseRemovesSocket(t *testing.T) {
	local, _, path := mustLocal(t)
	srv, err := Listen(SocketPath(path), local)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(SocketPath(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket still there after Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestCloseKeepsForeignFile: Close does not remove a file that replaced its socket.
func TestCloseKeepsForeignFile(t *testing.T) {
	local, _, path := mustLocal(t)
	srv, err := Listen(SocketPath(path), local)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(SocketPath(path)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(SocketPath(path), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(SocketPath(path)); err != nil || string(b) != "mine" {
		t.Errorf("foreign file removed or changed: %q, %v", b, err)
	}
}

func TestListenExisting(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, sock string) // leaves something at sock
		wantErr error                           // nil: Listen must succeed
	}{
		{"stale socket", func(t *testing.T, sock string) {
			l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			l.SetUnlinkOnClose(false)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"live socket", func(t *testing.T, sock string) {
			l, err := net.Listen("unix", sock)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = l.Close() })
		}, ErrSocketInUse},
		{"regular file", func(t *testing.T, sock string) {
			if err := os.WriteFile(sock, []byte("precious"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrSocketInUse},
		{"directory", func(t *testing.T, sock string) {
			if err := os.Mkdir(sock, 0o700); err != nil {
				t.Fatal(err)
			}
		}, ErrSocketInUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local, _, path := mustLocal(t)
			sock := SocketPath(path)
			tt.prepare(t, sock)
			srv, err := Listen(sock, local)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Listen = %v, want %v", err, tt.wantErr)
				}
				if tt.name == "regular file" {
					if b, _ := os.ReadFile(sock); string(b) != "precious" {
						t.Error("Listen touched the regular file")
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Listen = %v", err)
			}
			go func() { _ = srv.Serve() }()
			defer func() { _ = srv.Close() }()
			if _, err := (&Remote{Path: sock}).ListClients(context.Background()); err != nil {
				t.Errorf("call through replaced socket: %v", err)
			}
		})
	}
}

func TestListenPathTooLong(t *testing.T) {
	local, _, _ := mustLocal(t)
	if _, err := Listen("/tmp/"+strings.Repeat("x", 120), local); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("Listen = %v, want a path-too-long error", err)
	}
}

func TestRemoteUnavailable(t *testing.T) {
	r := &Remote{Path: filepath.Join(t.TempDir(), "none.sock")}
	if _, err := r.ListUsers(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ListUsers = %v, want ErrUnavailable", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.AddClient(ctx, &store.Client{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("AddClient with cancelled ctx = %v, want ErrUnavailable", err)
	}
}

// TestProtocolErrors: bad requests get a protocol error response, not a
// dropped connection, and the server keeps serving.
func TestProtocolErrors(t *testing.T) {
	local, _, path := mustLocal(t)
	srv := mustServe(t, local, path)
	tests := []struct {
		name, send, wantMsg string
	}{
		{"not json", "hello\n", "admin: protocol error"},
		{"wrong version", `{"v":99,"op":"client.list"}`, "protocol version 99"},
		{"no version", `{"op":"client.list"}`, "protocol version 0"},
		{"unknown op", `{"v":1,"op":"client.drop"}`, `unknown operation "client.drop"`},
		{"wrong field type", `{"v":1,"op":"client.show","ref":7}`, "admin: protocol error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("unix", srv.Path())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = c.Close() }()
			if _, err := io.WriteString(c, tt.send); err != nil {
				t.Fatal(err)
			}
			if err := c.(*net.UnixConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			var res response
			if err := json.NewDecoder(bufio.NewReader(c)).Decode(&res); err != nil {
				t.Fatalf("no response: %v", err)
			}
			if res.Code != "protocol" || !strings.Contains(res.Error, tt.wantMsg) {
				t.Fatalf("response %+v, want code protocol and %q", res, tt.wantMsg)
			}
		})
	}
	if _, err := (&Remote{Path: srv.Path()}).ListClients(context.Background()); err != nil {
		t.Errorf("server stopped serving: %v", err)
	}
}

// TestRemoteHammer: concurrent adds through the socket are all acknowledged,
// distinct and stored.
func TestRemoteHammer(t *testing.T) {
	local, st, path := mustLocal(t)
	mustServe(t, local, path)
	r := &Remote{Path: SocketPath(path)}
	const n = 32
	var wg sync.WaitGroup
	ids := make([]string, n)
	for i := range n {
		wg.Go(func() {
			c, secret, err := r.AddClient(context.Background(), &store.Client{
				Name: fmt.Sprintf("c%02d", i), GrantTypes: []string{store.GrantClientCredentials}})
			if err != nil {
				t.Error(err)
				return
			}
			stored, err := st.Client(c.ID)
			if err != nil || !store.VerifySecret(stored.SecretHash, secret) {
				t.Errorf("client %s: acknowledged but not stored with its secret: %v", c.ID, err)
			}
			ids[i] = c.ID
		})
	}
	wg.Wait()
	cs, err := r.ListClients(context.Background())
	if err != nil || len(cs) != n {
		t.Fatalf("ListClients = %d clients, %v", len(cs), err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("id %s issued twice", id)
		}
		seen[id] = true
	}
}
