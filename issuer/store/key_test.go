package store

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func testKey(kid string, created time.Time) *Key {
	priv := make([]byte, 121)
	if _, err := rand.Read(priv); err != nil {
		panic(err)
	}
	return &Key{Kid: kid, Alg: "ES256", State: KeyActive, Private: priv, Created: created, Activated: created}
}

func TestKeysRoundTrip(t *testing.T) {
	d, _ := mustOpen(t, testKEK)
	older, newer := testKey("k1", fixedNow), testKey("k2", fixedNow.Add(time.Hour))
	newer.State = KeyNext
	if err := d.PutKeys(newer, older); err != nil {
		t.Fatalf("PutKeys: %v", err)
	}
	keys, err := d.Keys()
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	if len(keys) != 2 || !reflect.DeepEqual(keys[0], older) || !reflect.DeepEqual(keys[1], newer) {
		t.Fatalf("Keys = %+v, want [k1 k2] equal to what was put", keys)
	}
	// Replace by kid.
	older.State, older.Retired = KeyRetired, fixedNow.Add(2*time.Hour)
	if err := d.PutKey(older); err != nil {
		t.Fatal(err)
	}
	keys, _ = d.Keys()
	if len(keys) != 2 || keys[0].State != KeyRetired || !keys[0].Retired.Equal(older.Retired) {
		t.Fatalf("after replace: %+v", keys)
	}
	if err := d.DeleteKey("k1"); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteKey("k1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteKey = %v", err)
	}
	if keys, _ := d.Keys(); len(keys) != 1 || keys[0].Kid != "k2" {
		t.Errorf("after delete: %+v", keys)
	}
}

func TestPutKeysValidates(t *testing.T) {
	d, _ := mustOpen(t, testKEK)
	good := testKey("good", fixedNow)
	tests := []struct {
		name string
		key  *Key
	}{
		{"empty kid", &Key{Alg: "ES256", State: KeyActive, Private: []byte{1}}},
		{"kid with slash", &Key{Kid: "a/b", Alg: "ES256", State: KeyActive, Private: []byte{1}}},
		{"unknown alg", &Key{Kid: "x", Alg: "HS256", State: KeyActive, Private: []byte{1}}},
		{"unknown state", &Key{Kid: "x", Alg: "ES256", State: "live", Private: []byte{1}}},
		{"no private", &Key{Kid: "x", Alg: "ES256", State: KeyActive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := d.PutKeys(good, tt.key); !errors.Is(err, ErrInvalid) {
				t.Fatalf("PutKeys = %v, want ErrInvalid", err)
			}
			if keys, _ := d.Keys(); len(keys) != 0 {
				t.Fatalf("a failed PutKeys stored %d keys", len(keys))
			}
		})
	}
}

// TestPrivateKeyEncryptedAtRest: neither the database file nor the raw bucket
// value contains the private key bytes.
func TestPrivateKeyEncryptedAtRest(t *testing.T) {
	d, path := mustOpen(t, testKEK)
	k := testKey("kid1", fixedNow)
	if err := d.PutKey(k); err != nil {
		t.Fatal(err)
	}
	mustClose(t, d)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(file, k.Private) || bytes.Contains(file, k.Private[:16]) {
		t.Fatal("database file contains the private key")
	}
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Close() }()
	_ = b.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketKeys).Get([]byte("kid1"))
		if raw == nil || bytes.Contains(raw, k.Private[:16]) {
			t.Errorf("raw record %q holds the private key or is missing", raw)
		}
		return nil
	})
}

func TestWrongKEK(t *testing.T) {
	d, path := mustOpen(t, testKEK)
	if err := d.PutKey(testKey("k", fixedNow)); err != nil {
		t.Fatal(err)
	}
	mustClose(t, d)
	other := bytes.Repeat([]byte{7}, KEKSize)
	if _, err := Open(path, &Options{KEK: other}); !errors.Is(err, ErrBadKEK) {
		t.Fatalf("Open with another KEK = %v, want ErrBadKEK", err)
	}
	if _, err := Open(path, &Options{KEK: []byte("short")}); !errors.Is(err, ErrBadKEK) {
		t.Fatalf("Open with a short KEK = %v, want ErrBadKEK", err)
	}
	// The right KEK still works: a failed Open leaves the database intact.
	d = mustReopen(t, path, testKEK)
	if keys, err := d.Keys(); err != nil || len(keys) != 1 {
		t.Fatalf("Keys = %v, %v", keys, err)
	}
}

// TestWrongKEKWithoutCheckValue: a database whose check value is missing
// (written before it existed) is still protected by the keys themselves.
func TestWrongKEKWithoutCheckValue(t *testing.T) {
	d, path := mustOpen(t, testKEK)
	if err := d.PutKey(testKey("k", fixedNow)); err != nil {
		t.Fatal(err)
	}
	mustClose(t, d)
	rawUpdate(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete([]byte("kek_check")) })
	if _, err := Open(path, &Options{KEK: bytes.Repeat([]byte{7}, KEKSize)}); !errors.Is(err, ErrBadKEK) {
		t.Fatalf("Open = %v, want ErrBadKEK", err)
	}
}

// TestSealedKeyBoundToKid: a sealed private key moved under another kid does
// not open (the kid is the AEAD's additional data).
func TestSealedKeyBoundToKid(t *testing.T) {
	d, path := mustOpen(t, testKEK)
	if err := d.PutKeys(testKey("a", fixedNow), testKey("b", fixedNow)); err != nil {
		t.Fatal(err)
	}
	mustClose(t, d)
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		a := bytes.Replace(b.Get([]byte("a")), []byte(`"kid":"a"`), []byte(`"kid":"b"`), 1)
		return b.Put([]byte("b"), a)
	})
	d = mustReopen(t, path, testKEK)
	if _, err := d.Keys(); !errors.Is(err, ErrBadKEK) {
		t.Fatalf("Keys = %v, want ErrBadKEK", err)
	}
}

func TestNoKEK(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.PutKey(testKey("k", fixedNow)); !errors.Is(err, ErrNoKEK) {
		t.Errorf("PutKey = %v, want ErrNoKEK", err)
	}
	if _, err := d.Keys(); !errors.Is(err, ErrNoKEK) {
		t.Errorf("Keys = %v, want ErrNoKEK", err)
	}
	if err := d.CreateClient(confidential("still works")); err != nil {
		t.Errorf("CreateClient without KEK: %v", err)
	}
}

func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Close() }()
	if err := b.Update(fn); err != nil {
		t.Fatal(err)
	}
}
