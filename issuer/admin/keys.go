package admin

import (
	"context"
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
