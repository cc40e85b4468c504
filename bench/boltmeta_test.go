package bench

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestReadBoltState checks the raw meta-page reading against bbolt itself:
// a read-write transaction moves the txid, a read-only one does not, and
// the state can be read while the database is open (locked).
func TestReadBoltState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	txid := func() uint64 {
		var id int
		_ = db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
		return uint64(id)
	}
	s0, err := ReadBoltState(path)
	if err != nil {
		t.Fatal(err)
	}
	if s0.Txid != txid() || s0.Size <= 0 {
		t.Fatalf("state %+v, bbolt txid %d", s0, txid())
	}
	if err := db.View(func(tx *bolt.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if s, _ := ReadBoltState(path); s != s0 {
		t.Errorf("a read-only transaction changed the state: %+v → %+v", s0, s)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("b"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	s1, err := ReadBoltState(path)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Txid != s0.Txid+1 || s1.Txid != txid() {
		t.Errorf("after a write: txid %d, want %d (bbolt says %d)", s1.Txid, s0.Txid+1, txid())
	}
}

func TestReadBoltStateRejectsOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not.db")
	if err := os.WriteFile(path, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadBoltState(path); !errors.Is(err, ErrParse) {
		t.Errorf("err = %v, want ErrParse", err)
	}
	if _, err := ReadBoltState(filepath.Join(t.TempDir(), "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}
