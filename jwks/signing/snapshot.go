package signing

import (
	"bytes"
	"crypto/sha256"
	"time"
)

// snapshot is an immutable view of a ring for the instants in [from, until):
// the active key per algorithm and the JWKS document. No key changes state
// inside the window.
type snapshot struct {
	from, until time.Time // until is zero when no state change is scheduled
	active      [len(algs)]*entry
	jwks        []byte
	etag        string
}

// covers reports whether s is valid at now. A clock that went backwards
// falls outside the window and forces a rebuild.
func (s *snapshot) covers(now time.Time) bool {
	return s != nil && !now.Before(s.from) && (s.until.IsZero() || now.Before(s.until))
}

// buildSnapshot derives the snapshot of keys (sorted by sortEntries) at
// now. When the published document equals prev's, prev's bytes and ETag
// are reused, so callers see an identical document.
func buildSnapshot(keys []*entry, now time.Time, ttl time.Duration, prev *snapshot) *snapshot {
	states, until := schedule(keys, now, ttl)
	s := &snapshot{from: now, until: until}
	var buf bytes.Buffer
	buf.WriteString(`{"keys":[`)
	n := 0
	for i, st := range states {
		e := keys[i]
		if st.State == StateActive {
			s.active[algIndex(e.Alg)] = e
		}
		if !st.Published() {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(e.jwk)
		n++
	}
	buf.WriteString(`]}`)
	if prev != nil && bytes.Equal(prev.jwks, buf.Bytes()) {
		s.jwks, s.etag = prev.jwks, prev.etag
		return s
	}
	s.jwks = buf.Bytes()
	sum := sha256.Sum256(s.jwks)
	s.etag = `"` + b64.EncodeToString(sum[:16]) + `"`
	return s
}
