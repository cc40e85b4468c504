//go:build wasip1

package main

import (
	"os"
	"time"
)

// watchedFile is a document the guest reads from its file system: the JWKS
// or the revocation feed (see the package documentation).
type watchedFile struct {
	path  string
	what  string // "keys" or "revocations", for the log
	apply func([]byte) error

	modTime time.Time // of the version applied
	size    int64
	applied bool
	lastErr string // logged once until the state changes
}

// nextCheck is when handle_request next looks at the files (Unix seconds).
var nextCheck int64

// refreshFiles checks the watched files when refresh_seconds have passed
// since the last check.
func refreshFiles(now int64) {
	if len(watched) == 0 || now < nextCheck {
		return
	}
	nextCheck = now + refresh
	for _, f := range watched {
		f.check()
	}
}

// check applies the file if it changed (modification time or size) since
// the version applied. On failure the previous document stays in place.
func (f *watchedFile) check() {
	fi, err := os.Stat(f.path)
	if err != nil {
		f.fail(err.Error())
		return
	}
	if f.applied && fi.ModTime().Equal(f.modTime) && fi.Size() == f.size {
		return
	}
	b, err := os.ReadFile(f.path)
	if err == nil {
		err = f.apply(b)
	}
	if err != nil {
		f.fail(err.Error())
		return
	}
	f.modTime, f.size, f.applied, f.lastErr = fi.ModTime(), fi.Size(), true, ""
	logMessage(logInfo, "tollgate: "+f.what+" loaded from "+f.path)
}

func (f *watchedFile) fail(msg string) {
	if msg == f.lastErr {
		return
	}
	f.lastErr = msg
	state := "none loaded yet"
	if f.applied {
		state = "keeping the previous " + f.what
	}
	logMessage(logError, "tollgate: "+f.what+" from "+f.path+": "+msg+" ("+state+")")
}
