package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
)

// Lock waits: an admin command first waits briefly for the database lock;
// if it is held and nobody answers on the admin socket, the holder is
// probably another admin command, so it waits longer before giving up.
const (
	lockWait     = 250 * time.Millisecond
	lockWaitLong = 3 * time.Second
)

// openBackend returns the admin backend for the database at db: a Local on
// the store if the database is free, or a Remote on its socket while a
// server holds it. create allows making a new database (and its KEK file);
// without it a missing database is an error. closeFn releases the store.
func openBackend(db string, create bool) (b admin.Backend, closeFn func(), err error) {
	_, statErr := os.Stat(db)
	exists := statErr == nil
	if !exists && !errors.Is(statErr, fs.ErrNotExist) {
		return nil, nil, statErr
	}
	if !exists && !create {
		return nil, nil, fmt.Errorf("database %s does not exist", db)
	}
	kek, err := store.LoadKEK(db, !exists)
	if errors.Is(err, store.ErrNoKEK) {
		kek = nil // clients and users work; key commands will say what is missing
	} else if err != nil {
		return nil, nil, err
	}
	sock := admin.SocketPath(db)
	st, err := store.Open(db, &store.Options{KEK: kek, Timeout: lockWait})
	if errors.Is(err, store.ErrLocked) {
		if answers(sock) {
			return &admin.Remote{Path: sock}, func() {}, nil
		}
		st, err = store.Open(db, &store.Options{KEK: kek, Timeout: lockWaitLong})
		if errors.Is(err, store.ErrLocked) && answers(sock) {
			return &admin.Remote{Path: sock}, func() {}, nil
		}
		if errors.Is(err, store.ErrLocked) {
			return nil, nil, fmt.Errorf("%w, and nothing answers on its admin socket %s", err, sock)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return &admin.Local{Store: st}, func() { _ = st.Close() }, nil
}

// answers reports whether a server accepts connections on the socket.
func answers(sock string) bool {
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// withBackend runs fn on the backend of c's database.
func (c *command) withBackend(create bool, fn func(b admin.Backend) error) error {
	b, closeFn, err := openBackend(c.db, create)
	if err != nil {
		return err
	}
	defer closeFn()
	err = fn(b)
	if errors.Is(err, store.ErrNoKEK) {
		return fmt.Errorf("%w: set %s or create %s (mode 0600, base64 of 32 bytes)", err, store.KEKEnv, store.KEKPath(c.db))
	}
	return err
}
