package store

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestPersistsAcrossReopen(t *testing.T) {
	d, path := mustOpen(t, testKEK)
	c := confidential("persist")
	u := &User{Username: "dana", PasswordHash: "h"}
	k := testKey("kp", fixedNow)
	for _, err := range []error{d.CreateClient(c), d.CreateUser(u), d.PutKey(k)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = mustReopen(t, path, testKEK)
	if got, err := d.Client(c.ID); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("client after reopen: %+v, %v", got, err)
	}
	if got, err := d.UserByName("dana"); err != nil || !reflect.DeepEqual(got, u) {
		t.Errorf("user after reopen: %+v, %v", got, err)
	}
	if keys, err := d.Keys(); err != nil || len(keys) != 1 || !reflect.DeepEqual(keys[0], k) {
		t.Errorf("keys after reopen: %+v, %v", keys, err)
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "issuer.db")
	d, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got&^want != 0 {
			t.Errorf("%s mode %04o, want at most %04o", p, got, want)
		}
	}
}

func TestLocked(t *testing.T) {
	_, path := mustOpen(t, nil)
	start := time.Now()
	_, err := Open(path, &Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open waited %v", d)
	}
}

func TestClosed(t *testing.T) {
	d, _ := mustOpen(t, nil)
	mustClose(t, d)
	if _, err := d.Clients(); !errors.Is(err, ErrClosed) {
		t.Errorf("Clients after Close = %v, want ErrClosed", err)
	}
	if err := d.CreateUser(&User{Username: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("CreateUser after Close = %v, want ErrClosed", err)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte("this is not bbolt, just text that is long enough to look like a page"), 0o600); err != nil {
		t.Fatal(err)
	}
	if d, err := Open(path, nil); err == nil {
		mustClose(t, d)
		t.Fatal("Open of a non-database succeeded")
	}
}
