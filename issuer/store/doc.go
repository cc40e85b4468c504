// Package store is the issuer's persistent state: clients, users, signing
// keys, and the buckets the user flows fill (authorization codes, refresh
// token families, consents, revocations).
//
// # Interface and backend
//
// Callers depend on [Store] (or a smaller interface of their own, defined
// where it is used); [DB] implements it on go.etcd.io/bbolt so that a
// distributed backend can follow without touching the issuer. Every method of
// [DB] is safe for concurrent use.
//
// # Durability
//
// Each acknowledged write is exactly one committed bbolt read-write
// transaction, and bbolt fsyncs on commit (NoSync stays false): when a write
// method returns nil, the change survives kill -9 and power loss.
//
// # Encryption at rest
//
// Private signing keys ([Key.Private]) are sealed with AES-256-GCM under a
// 32-byte key-encryption key (KEK), with the kid as additional authenticated
// data and a random nonce; they are opened on read. [LoadKEK] reads the KEK from
// the TOLLGATE_KEK environment variable (base64 of 32 bytes), or else from the
// file [KEKPath] beside the database. Opening a database with a different KEK
// than the one it was written with fails with [ErrBadKEK].
//
// # Secrets and passwords
//
// Client secrets are server-generated 256-bit values stored as a SHA-256 hash
// ([NewSecret], [HashSecret], [VerifySecret]); user passwords are hashed with
// argon2id in PHC string format ([HashPassword], [VerifyPassword]).
package store
