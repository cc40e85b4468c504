package signing

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Ring holds an issuer's signing keys and answers, at any instant, which
// key signs for each algorithm and which keys the JWKS publishes.
//
// # States
//
// A key's state is derived from timestamps, never stored, so no background
// job writes state and every process that loads the same keys agrees. For
// each algorithm, ordering keys by ActivateAt:
//   - a key whose ActivateAt is after now is next: published, never signs;
//   - the newest key whose ActivateAt is not after now is active: it signs;
//   - an older key is retired from its successor's ActivateAt and stays
//     published until successor.ActivateAt + MaxTokenTTL; then it is
//     expired and dropped from the JWKS.
//
// # Concurrency
//
// All methods are safe for concurrent use. Sign and JWKS read an immutable
// snapshot through an atomic pointer and take no lock; a snapshot is
// rebuilt, under a mutex, when a key is added or the clock crosses the next
// instant at which some key changes state.
type Ring struct {
	opt  Options
	mu   sync.Mutex // serialises writers of keys and snap
	keys []*entry   // sorted by sortEntries; guarded by mu
	snap atomic.Pointer[snapshot]
}

// NewRing returns a ring holding keys (nil entries are skipped, duplicate
// kids are kept once). The ring copies each key. opt's zero fields take
// their defaults (see [Options]).
func NewRing(keys []*Key, opt Options) *Ring {
	r := &Ring{opt: opt.withDefaults()}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		r.addLocked(k)
	}
	r.rebuildLocked(r.opt.Now())
	return r
}

// Options returns the ring's options with defaults applied.
func (r *Ring) Options() Options { return r.opt }

// Add inserts k, which the caller has already persisted. The ring takes a
// copy. Adding nil or a kid the ring already holds does nothing. The key
// takes part in Sign and JWKS as soon as Add returns.
func (r *Ring) Add(k *Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.addLocked(k) {
		r.rebuildLocked(r.opt.Now())
	}
}

func (r *Ring) addLocked(k *Key) bool {
	if k == nil || k.signer == nil || !Supported(k.Alg) {
		return false
	}
	for _, e := range r.keys {
		if e.Kid == k.Kid {
			return false
		}
	}
	r.keys = append(r.keys, newEntry(k))
	sortEntries(r.keys)
	return true
}

// Remove drops the key kid, which the caller has already deleted from its
// store, and reports whether the ring held it. It is meant for expired
// keys (see [Ring.States]), whose removal changes no other key's state;
// removing a published key unpublishes it at once.
func (r *Ring) Remove(kid string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.keys {
		if e.Kid == kid {
			r.keys = append(r.keys[:i:i], r.keys[i+1:]...)
			r.rebuildLocked(r.opt.Now())
			return true
		}
	}
	return false
}

// Sign returns a compact JWS of payload signed by alg's active key, and
// that key's kid. The protected header is exactly
// {"alg":alg,"kid":kid,"typ":typ}. payload is the caller's JSON claims
// set; Sign does not inspect it and does not retain it. typ must be a
// media type such as "at+jwt" ([ErrInvalidTyp] otherwise). Sign fails with
// [ErrUnsupportedAlg] or [ErrNoActiveKey].
func (r *Ring) Sign(alg, typ string, payload []byte) (token []byte, kid string, err error) {
	i := algIndex(alg)
	if i < 0 {
		return nil, "", fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	e := r.current().active[i]
	if e == nil {
		return nil, "", fmt.Errorf("%w: %s", ErrNoActiveKey, alg)
	}
	hdr, err := e.header(typ)
	if err != nil {
		return nil, "", err
	}
	token, err = e.sign(hdr, payload)
	if err != nil {
		return nil, "", err
	}
	return token, e.Kid, nil
}

// JWKS returns the JWK Set document of the published keys (next, active
// and retired; public parts only) and its strong ETag, quoted as HTTP
// sends it. The ETag is a hash of the document, so it changes exactly
// when the published set does. Repeat calls return the same cached slice:
// the caller must not modify doc.
func (r *Ring) JWKS() (doc []byte, etag string) {
	s := r.current()
	return s.jwks, s.etag
}

// States returns every key's state at now, algorithms in canonical order
// and keys by ActivateAt. Expired keys are included so the caller can
// delete them.
func (r *Ring) States(now time.Time) []KeyState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, _ := schedule(r.keys, now, r.opt.MaxTokenTTL)
	return st
}

// Algorithms returns the algorithms that have an active key now, in
// canonical order ([DefaultAlg] first).
func (r *Ring) Algorithms() []string {
	s := r.current()
	var out []string
	for i, e := range s.active {
		if e != nil {
			out = append(out, algs[i])
		}
	}
	return out
}

// Rotate generates the next key for alg and returns it without adding it:
// the caller persists it, then calls [Ring.Add]. The key activates
// PublishAhead from now, so every JWKS cache holds it before it signs; if
// alg has no active key yet, nothing can be cached and it activates now.
// Rotating again while a next key is pending is allowed: the pending key
// then signs only until the newer one activates. Keys made with
// [Generate] directly get no such scheduling: an ActivateAt in the past
// makes a key sign as soon as it is added, before any cache has seen it.
func (r *Ring) Rotate(alg string) (*Key, error) {
	i := algIndex(alg)
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	now := r.opt.Now()
	at := now.Add(r.opt.PublishAhead)
	if r.snapshotAt(now).active[i] == nil {
		at = now
	}
	return Generate(alg, now, at)
}

// current returns the snapshot for the ring's clock now.
func (r *Ring) current() *snapshot { return r.snapshotAt(r.opt.Now()) }

// snapshotAt returns a snapshot valid at now, rebuilding it if now lies
// outside the current one's window.
func (r *Ring) snapshotAt(now time.Time) *snapshot {
	if s := r.snap.Load(); s.covers(now) {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.snap.Load(); s.covers(now) { // another goroutine rebuilt it
		return s
	}
	return r.rebuildLocked(now)
}

func (r *Ring) rebuildLocked(now time.Time) *snapshot {
	s := buildSnapshot(r.keys, now, r.opt.MaxTokenTTL, r.snap.Load())
	r.snap.Store(s)
	return s
}
