package admin

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// fixedNow is the clock of test stores and rings.
var fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// mustLocal returns a Local on a fresh store in t.TempDir(), the store, and
// the database path.
func mustLocal(t testing.TB) (*Local, *store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issuer.db")
	st, err := store.Open(path, &store.Options{KEK: bytes.Repeat([]byte{1}, store.KEKSize), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &Local{Store: st, Signing: signing.Options{Now: clock, PublishAhead: 10 * time.Minute, MaxTokenTTL: time.Hour}}, st, path
}

// mustServe serves b on SocketPath(dbPath) until cleanup and returns the server.
func mustServe(t testing.TB, b Backend, dbPath string) *Server {
	t.Helper()
	srv, err := Listen(SocketPath(dbPath), b)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv
}
