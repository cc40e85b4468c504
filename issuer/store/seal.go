package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// KEKSize is the length of a key-encryption key: AES-256.
const KEKSize = 32

// sealVersion prefixes every sealed value so the format can change.
const sealVersion = 1

// kekCheckAAD and kekCheckPlain make the value Open uses to recognise a wrong
// KEK before any private key is touched.
var (
	kekCheckAAD   = []byte("tollgate kek check")
	kekCheckPlain = []byte("tollgate")
)

// aeadKey seals private keys; the zero value means no KEK.
type aeadKey struct{ gcm cipher.AEAD }

func newAEAD(kek []byte) (aeadKey, error) {
	if len(kek) != KEKSize {
		return aeadKey{}, fmt.Errorf("%w: %d bytes, want %d", ErrBadKEK, len(kek), KEKSize)
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return aeadKey{}, fmt.Errorf("%w: %w", ErrBadKEK, err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return aeadKey{}, fmt.Errorf("%w: %w", ErrBadKEK, err)
	}
	return aeadKey{gcm: gcm}, nil
}

// seal returns version ‖ nonce ‖ AES-GCM(plain, aad) with a random nonce.
func (a aeadKey) seal(plain, aad []byte) ([]byte, error) {
	if a.gcm == nil {
		return nil, ErrNoKEK
	}
	out := make([]byte, 1+a.gcm.NonceSize(), 1+a.gcm.NonceSize()+len(plain)+a.gcm.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("store: nonce: %w", err)
	}
	return a.gcm.Seal(out, out[1:], plain, aad), nil
}

// open reverses seal. Any failure, including a wrong KEK or a value moved to
// another kid, is ErrBadKEK: the cause stays opaque.
func (a aeadKey) open(sealed, aad []byte) ([]byte, error) {
	if a.gcm == nil {
		return nil, ErrNoKEK
	}
	n := a.gcm.NonceSize()
	if len(sealed) < 1+n+a.gcm.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: malformed sealed value", ErrBadKEK)
	}
	plain, err := a.gcm.Open(nil, sealed[1:1+n], sealed[1+n:], aad)
	if err != nil {
		return nil, ErrBadKEK
	}
	return plain, nil
}

// checkKEK verifies, inside Open's transaction, that the KEK is the
// database's: it opens the stored check value, or on first use with a KEK
// tries an existing key (if any) and then writes the check value.
func (d *DB) checkKEK(tx *bolt.Tx) error {
	if d.aead.gcm == nil {
		return nil
	}
	meta := tx.Bucket(bucketMeta)
	if sealed := meta.Get([]byte("kek_check")); sealed != nil {
		plain, err := d.aead.open(sealed, kekCheckAAD)
		if err != nil || !bytes.Equal(plain, kekCheckPlain) {
			return ErrBadKEK
		}
		return nil
	}
	if k, v := tx.Bucket(bucketKeys).Cursor().First(); k != nil {
		if _, err := d.decodeKey(string(k), v); err != nil {
			return err
		}
	}
	sealed, err := d.aead.seal(kekCheckPlain, kekCheckAAD)
	if err != nil {
		return err
	}
	return meta.Put([]byte("kek_check"), sealed)
}
