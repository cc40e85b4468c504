package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadKEKFromEnv(t *testing.T) {
	dir := t.TempDir()
	want := bytes.Repeat([]byte{9}, KEKSize)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		t.Setenv(KEKEnv, enc.EncodeToString(want))
		got, err := LoadKEK(filepath.Join(dir, "issuer.db"), true)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("LoadKEK = %x, %v", got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, KEKFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("env KEK wins, but a file was created: %v", err)
	}
	t.Setenv(KEKEnv, base64.StdEncoding.EncodeToString([]byte("too short")))
	if _, err := LoadKEK(filepath.Join(dir, "issuer.db"), true); !errors.Is(err, ErrBadKEK) || !strings.Contains(err.Error(), KEKEnv) {
		t.Errorf("short env KEK: %v, want ErrBadKEK naming %s", err, KEKEnv)
	}
	t.Setenv(KEKEnv, "not base64!")
	if _, err := LoadKEK(filepath.Join(dir, "issuer.db"), true); !errors.Is(err, ErrBadKEK) {
		t.Errorf("garbage env KEK: %v, want ErrBadKEK", err)
	}
}

func TestLoadKEKFile(t *testing.T) {
	t.Setenv(KEKEnv, "")
	db := filepath.Join(t.TempDir(), "data", "issuer.db")
	if _, err := LoadKEK(db, false); !errors.Is(err, ErrNoKEK) {
		t.Fatalf("no file, no create: %v, want ErrNoKEK", err)
	}
	if _, err := os.Stat(KEKPath(db)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("create=false made a file: %v", err)
	}
	k1, err := LoadKEK(db, true)
	if err != nil || len(k1) != KEKSize {
		t.Fatalf("create: %x, %v", k1, err)
	}
	fi, err := os.Stat(KEKPath(db))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("KEK file: %v, mode %v", err, fi.Mode())
	}
	if KEKPath(db) != filepath.Join(filepath.Dir(db), "issuer.kek") {
		t.Errorf("KEKPath = %s", KEKPath(db))
	}
	k2, err := LoadKEK(db, false)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: %x, %v; want %x", k2, err, k1)
	}
	if err := os.Chmod(KEKPath(db), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKEK(db, false); err == nil || !strings.Contains(err.Error(), "0644") {
		t.Errorf("world-readable KEK file accepted: %v", err)
	}
	if err := os.WriteFile(KEKPath(db), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(KEKPath(db), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKEK(db, true); !errors.Is(err, ErrBadKEK) {
		t.Errorf("garbage file: %v, want ErrBadKEK", err)
	}
}

// TestLoadKEKConcurrentCreate: racing creators all get the same key.
func TestLoadKEKConcurrentCreate(t *testing.T) {
	t.Setenv(KEKEnv, "")
	db := filepath.Join(t.TempDir(), "issuer.db")
	const n = 8
	keys := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadKEK(db, true)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("creator %d got a different key", i)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(db))
	if len(entries) != 1 {
		t.Errorf("leftover files: %v", entries)
	}
}
