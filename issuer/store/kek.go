package store

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KEKEnv is the environment variable LoadKEK reads first: the base64
// (standard or URL alphabet, padded or not) of 32 random bytes.
const KEKEnv = "TOLLGATE_KEK"

// KEKFileName is the KEK file's name in the database's directory.
const KEKFileName = "issuer.kek"

// KEKPath returns the KEK file that belongs to the database at dbPath:
// KEKFileName in the same directory.
func KEKPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), KEKFileName)
}

// LoadKEK returns the key-encryption key for the database at dbPath. The
// environment variable KEKEnv wins when set and non-empty; otherwise the file KEKPath(dbPath)
// is read, which must hold base64 of 32 bytes and must not be readable by group
// or others. If the file does not exist, LoadKEK creates it (mode 0600, with a
// fresh random key, atomically: concurrent callers agree on one key) when
// create is true, and otherwise returns ErrNoKEK.
//
// A malformed value gives ErrBadKEK.
func LoadKEK(dbPath string, create bool) ([]byte, error) {
	if v := os.Getenv(KEKEnv); v != "" {
		k, err := decodeKEK(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KEKEnv, err)
		}
		return k, nil
	}
	path := KEKPath(dbPath)
	k, err := readKEKFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if !create {
		return nil, fmt.Errorf("%w: set %s or create %s", ErrNoKEK, KEKEnv, path)
	}
	if err := writeKEKFile(path); err != nil {
		return nil, err
	}
	return readKEKFile(path)
}

func readKEKFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("store: key-encryption key file %s has mode %04o; want 0600 (chmod 600 it)", path, fi.Mode().Perm())
	}
	buf, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", path, err)
	}
	k, err := decodeKEK(string(buf))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// writeKEKFile writes a fresh key to a temporary file, syncs it, and links it
// into place; link fails if another process won the race, which is fine.
func writeKEKFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var k [KEKSize]byte
	if _, err := rand.Read(k[:]); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".issuer.kek-*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(k[:]) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600) // CreateTemp uses 0600 already; be explicit
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: write key-encryption key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("store: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new name durable; best effort
		_ = d.Close()
	}
	return nil
}

func decodeKEK(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KEKSize {
				return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBadKEK, len(k), KEKSize)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: not base64", ErrBadKEK)
}
