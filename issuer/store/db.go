package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long Open waits for the database file lock when
// Options.Timeout is zero.
const DefaultTimeout = time.Second

// Options configures Open. A nil *Options means all defaults.
type Options struct {
	// KEK is the 32-byte key-encryption key for private signing keys (see
	// LoadKEK). Nil opens the store without one: clients and users work,
	// key methods return ErrNoKEK.
	KEK []byte
	// Timeout bounds the wait for the file lock held by another process;
	// on expiry Open returns ErrLocked. Zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock for Created/Updated stamps; nil means time.Now.
	Now func() time.Time
}

// DB is the bbolt implementation of Store. It holds an exclusive lock on the
// database file until Close.
type DB struct {
	bolt *bolt.DB
	aead aeadKey // zero when opened without a KEK
	now  func() time.Time
}

// Open opens (creating if absent, with its parent directory, mode 0700/0600)
// the bbolt database at path. It returns ErrLocked if another process holds
// it, and ErrBadKEK if opt.KEK is malformed or not the database's KEK.
func Open(path string, opt *Options) (*DB, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &DB{now: o.Now}
	if o.KEK != nil {
		a, err := newAEAD(o.KEK)
		if err != nil {
			return nil, err
		}
		d.aead = a
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.Timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	d.bolt = b
	if err := b.Update(func(tx *bolt.Tx) error {
		if err := createBuckets(tx); err != nil {
			return err
		}
		return d.checkKEK(tx)
	}); err != nil {
		_ = b.Close()
		return nil, err
	}
	return d, nil
}

// Close releases the database and its file lock.
func (d *DB) Close() error {
	return d.bolt.Close()
}

// update runs fn in one read-write transaction, committed (and fsynced)
// before it returns nil.
func (d *DB) update(fn func(tx *bolt.Tx) error) error {
	return closedErr(d.bolt.Update(fn))
}

// view runs fn in a read-only transaction.
func (d *DB) view(fn func(tx *bolt.Tx) error) error {
	return closedErr(d.bolt.View(fn))
}

func closedErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// stamp returns the current time in UTC without a monotonic reading, so a
// record compares equal to itself after a JSON round trip.
func (d *DB) stamp() time.Time {
	return d.now().UTC().Round(0)
}
