package store

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// testKEK is a fixed key-encryption key for tests.
var testKEK = bytes.Repeat([]byte{0x42}, KEKSize)

// fixedNow is the clock of test stores.
var fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// mustOpen opens a fresh store in t.TempDir() and closes it at cleanup.
func mustOpen(t testing.TB, kek []byte) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issuer.db")
	return mustReopen(t, path, kek), path
}

// mustReopen opens the store at path and closes it at cleanup.
func mustReopen(t testing.TB, path string, kek []byte) *DB {
	t.Helper()
	d, err := Open(path, &Options{KEK: kek, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// confidential returns a valid confidential client named name.
func confidential(name string) *Client {
	_, hash := NewSecret()
	return &Client{
		Name:         name,
		Type:         Confidential,
		SecretHash:   hash,
		GrantTypes:   []string{GrantClientCredentials},
		Scopes:       []string{"read", "write"},
		Audience:     []string{"api"},
		SigningAlg:   "ES256",
		RedirectURIs: []string{"https://app.example/cb"},
	}
}

// mustClose closes c and fails the test on error.
func mustClose(t testing.TB, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
