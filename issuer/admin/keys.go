package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// ListKeys implements Backend. States are computed now from the keys'
// timestamps, as the server's signing ring computes them.
func (l *Local) ListKeys(context.Context) ([]KeyInfo, error) {
	_, ring, err := l.loadRing()
	if err != nil {
		return nil, err
	}
	var out []KeyInfo
	for _, s := range ring.States(ring.Options().Now()) {
		out = append(out, keyInfo(s))
	}
	return out, nil
}

// RotateKeys implements Backend. The new key and the updated states of the
// existing ones are written in one transaction; then OnKeyAdded is called.
func (l *Local) RotateKeys(_ context.Context, alg string) (KeyInfo, error) {
	if alg == "" {
		alg = signing.DefaultAlg
	}
	if !signing.Supported(alg) {
		return KeyInfo{}, fmt.Errorf("%w: unknown key algorithm %q: want one of %s",
			store.ErrInvalid, alg, strings.Join(signing.SupportedAlgorithms(), ", "))
	}
	l.rotate.Lock()
	defer l.rotate.Unlock()
	return l.rotateLocked(alg)
}

func (l *Local) rotateLocked(alg string) (KeyInfo, error) {
	recs, ring, err := l.loadRing()
	if err != nil {
		return KeyInfo{}, err
	}
	nk, err := ring.Rotate(alg)
	if err != nil {
		return KeyInfo{}, err
	}
	priv, err := nk.MarshalPrivate()
	if err != nil {
		return KeyInfo{}, err
	}
	ring.Add(nk)
	recs = append(recs, &store.Key{Kid: nk.Kid, Alg: nk.Alg, Private: priv, Created: utc(nk.Created), Activated: utc(nk.ActivateAt)})
	states := map[string]signing.KeyState{}
	for _, s := range ring.States(ring.Options().Now()) {
		states[s.Kid] = s
	}
	for _, r := range recs {
		s := states[r.Kid]
		r.State, r.Retired, r.Expires = s.State, utc(s.Retired), utc(s.Expires)
	}
	if err := l.Store.PutKeys(recs...); err != nil {
		return KeyInfo{}, err
	}
	if l.OnKeyAdded != nil {
		l.OnKeyAdded(nk)
	}
	return keyInfo(states[nk.Kid]), nil
}

// MaintainKeys is the server's periodic key care. It deletes every
// expired key (no longer published: every token it signed has expired),
// so retired private keys do not outlive their use; and, if rotateEvery is
// positive, it rotates each algorithm whose newest key has been active for
// at least rotateEvery (never while a next key is pending). The new key
// signs after PublishAhead, so a key signs for rotateEvery + PublishAhead.
// It returns the keys created and the kids deleted, and stops at the first
// error, after calling the hooks for what it committed.
func (l *Local) MaintainKeys(_ context.Context, rotateEvery time.Duration) (created []KeyInfo, deleted []string, err error) {
	l.rotate.Lock()
	defer l.rotate.Unlock()
	_, ring, err := l.loadRing()
	if err != nil {
		return nil, nil, err
	}
	now := ring.Options().Now()
	newest := map[string]signing.KeyState{} // by alg; States orders keys by activation
	var algs []string
	for _, s := range ring.States(now) {
		if s.State == signing.StateExpired {
			if err := l.Store.DeleteKey(s.Kid); err != nil && !errors.Is(err, store.ErrNotFound) {
				return created, deleted, err
			}
			deleted = append(deleted, s.Kid)
			if l.OnKeyRemoved != nil {
				l.OnKeyRemoved(s.Kid)
			}
			continue
		}
		if _, ok := newest[s.Alg]; !ok {
			algs = append(algs, s.Alg)
		}
		newest[s.Alg] = s
	}
	if rotateEvery <= 0 {
		return created, deleted, nil
	}
	for _, alg := range algs {
		s := newest[alg]
		if s.State != signing.StateActive || now.Sub(s.Activated) < rotateEvery {
			continue
		}
		k, err := l.rotateLocked(alg)
		if err != nil {
			return created, deleted, err
		}
		created = append(created, k)
	}
	return created, deleted, nil
}

// loadRing reads every stored key into a ring built with l.Signing.
func (l *Local) loadRing() ([]*store.Key, *signing.Ring, error) {
	return loadRing(l.Store, l.Signing)
}

// LoadRing returns a signing ring holding every key in ks (private parts
// decrypted and checked against their kids), built with opt. The server
// loads its ring with it at start, then passes ring.Options() and ring.Add
// to a Local so that rotations reach the ring.
func LoadRing(ks store.KeyStore, opt signing.Options) (*signing.Ring, error) {
	_, ring, err := loadRing(ks, opt)
	return ring, err
}

func loadRing(ks store.KeyStore, opt signing.Options) ([]*store.Key, *signing.Ring, error) {
	recs, err := ks.Keys()
	if err != nil {
		return nil, nil, err
	}
	keys := make([]*signing.Key, 0, len(recs))
	for _, r := range recs {
		k, err := signing.LoadKey(r.Alg, r.Created, r.Activated, r.Private)
		if err != nil {
			return nil, nil, fmt.Errorf("admin: key %s: %w", r.Kid, err)
		}
		if k.Kid != r.Kid {
			return nil, nil, fmt.Errorf("admin: key stored as %s has kid %s", r.Kid, k.Kid)
		}
		keys = append(keys, k)
	}
	return recs, signing.NewRing(keys, opt), nil
}

// EnsureKeys creates, for each of algs that has no active or next key, a
// key that signs at once (see RotateKeys), and returns the keys it created.
// The server calls it at start so that a fresh store can sign.
func (l *Local) EnsureKeys(ctx context.Context, algs ...string) ([]KeyInfo, error) {
	have, err := l.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var created []KeyInfo
	for _, alg := range algs {
		if slices.ContainsFunc(have, func(k KeyInfo) bool {
			return k.Alg == alg && (k.State == signing.StateActive || k.State == signing.StateNext)
		}) {
			continue
		}
		k, err := l.RotateKeys(ctx, alg)
		if err != nil {
			return created, err
		}
		created = append(created, k)
	}
	return created, nil
}

func keyInfo(s signing.KeyState) KeyInfo {
	return KeyInfo{Kid: s.Kid, Alg: s.Alg, State: s.State, Created: utc(s.Created),
		Activated: utc(s.Activated), Retired: utc(s.Retired), Expires: utc(s.Expires)}
}

// utc drops t's location and monotonic reading, so a KeyInfo compares equal
// to itself after crossing the socket.
func utc(t time.Time) time.Time { return t.UTC().Round(0) }
