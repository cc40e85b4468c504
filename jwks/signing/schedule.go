package signing

import (
	"cmp"
	"slices"
	"time"
)

// Key states, derived from timestamps (see [Ring]).
const (
	StateNext    = "next"    // published, does not sign yet
	StateActive  = "active"  // published, signs
	StateRetired = "retired" // published until every token it signed has expired
	StateExpired = "expired" // no longer published; the store may delete it
)

// KeyState is one key's place in the schedule at a given instant, for
// `issuer keys list` and for the store's record.
type KeyState struct {
	Kid       string
	Alg       string
	State     string    // StateNext, StateActive, StateRetired or StateExpired
	Created   time.Time // when the key was generated
	Activated time.Time // when it starts or started signing
	Retired   time.Time // when its successor takes over; zero while it has none
	Expires   time.Time // Retired + MaxTokenTTL: when it leaves the JWKS; zero while it has none
}

// Published reports whether the key is in the JWKS document.
func (s KeyState) Published() bool { return s.State != StateExpired }

// byActivation orders keys of one algorithm by ActivateAt, then Created,
// then kid, so every process ranks them the same way.
func byActivation(a, b *entry) int {
	if c := a.ActivateAt.Compare(b.ActivateAt); c != 0 {
		return c
	}
	if c := a.Created.Compare(b.Created); c != 0 {
		return c
	}
	return cmp.Compare(a.Kid, b.Kid)
}

// schedule computes every key's state at now. keys must be sorted by
// algorithm (canonical order) and then byActivation. It also returns the
// first instant after now at which any state changes (zero if none will).
func schedule(keys []*entry, now time.Time, ttl time.Duration) (states []KeyState, next time.Time) {
	states = make([]KeyState, len(keys))
	boundary := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for i, e := range keys {
		st := KeyState{Kid: e.Kid, Alg: e.Alg, Created: e.Created, Activated: e.ActivateAt}
		boundary(e.ActivateAt)
		if i+1 < len(keys) && keys[i+1].Alg == e.Alg {
			st.Retired = keys[i+1].ActivateAt
			st.Expires = st.Retired.Add(ttl)
			boundary(st.Expires)
		}
		switch {
		case now.Before(e.ActivateAt):
			st.State = StateNext
		case st.Retired.IsZero() || now.Before(st.Retired):
			st.State = StateActive
		case now.Before(st.Expires):
			st.State = StateRetired
		default:
			st.State = StateExpired
		}
		states[i] = st
	}
	return states, next
}

// sortEntries puts keys in the order schedule needs.
func sortEntries(keys []*entry) {
	slices.SortFunc(keys, func(a, b *entry) int {
		if c := cmp.Compare(algIndex(a.Alg), algIndex(b.Alg)); c != 0 {
			return c
		}
		return byActivation(a, b)
	})
}
