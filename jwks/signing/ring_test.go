package signing

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

// TestRotationTimeline walks one algorithm through first key, rotation,
// activation, retirement and expiry on an injected clock, checking Sign,
// JWKS (with jwx and golang-jwt) and States at each step.
func TestRotationTimeline(t *testing.T) {
	const (
		publishAhead = 10 * time.Minute
		maxTTL       = time.Hour
	)
	for _, alg := range []string{ES256, EdDSA, RS256} {
		t.Run(alg, func(t *testing.T) {
			clock := newClock(t0)
			r := NewRing(nil, Options{PublishAhead: publishAhead, MaxTokenTTL: maxTTL, JWKSMaxAge: time.Minute, Now: clock.Now})

			// The first key of an alg activates at once: no cache can hold a JWKS yet.
			k1, err := r.Rotate(alg)
			if err != nil {
				t.Fatal(err)
			}
			if !k1.ActivateAt.Equal(t0) || !k1.Created.Equal(t0) {
				t.Fatalf("first key activates %v, want %v", k1.ActivateAt, t0)
			}
			if _, _, err := r.Sign(alg, "at+jwt", []byte(`{}`)); err == nil {
				t.Fatal("Sign before Add succeeded")
			}
			r.Add(k1)
			signedBy(t, r, alg, k1.Kid)

			// Rotation: the next key is published ahead and does not sign yet.
			clock.advance(30 * time.Minute)
			k2, err := r.Rotate(alg)
			if err != nil {
				t.Fatal(err)
			}
			rotatedAt := clock.Now()
			if want := rotatedAt.Add(publishAhead); !k2.ActivateAt.Equal(want) {
				t.Fatalf("next key activates %v, want %v", k2.ActivateAt, want)
			}
			r.Add(k2)
			wantPublished(t, r, k1.Kid, k2.Kid)
			wantStates(t, r, clock.Now(), StateActive, StateNext)
			clock.set(k2.ActivateAt.Add(-time.Nanosecond))
			old := signedBy(t, r, alg, k1.Kid) // the last token k1 signs

			// Activation: the next key signs, the old one is retired but published.
			clock.set(k2.ActivateAt)
			signedBy(t, r, alg, k2.Kid)
			wantPublished(t, r, k1.Kid, k2.Kid)
			wantStates(t, r, clock.Now(), StateRetired, StateActive)
			verifies(t, r, alg, old, true)

			// Until MaxTokenTTL after retirement the old token still verifies.
			clock.set(k2.ActivateAt.Add(maxTTL - time.Nanosecond))
			wantPublished(t, r, k1.Kid, k2.Kid)
			verifies(t, r, alg, old, true)

			// Then the old key is gone.
			clock.set(k2.ActivateAt.Add(maxTTL))
			wantPublished(t, r, k2.Kid)
			wantStates(t, r, clock.Now(), StateExpired, StateActive)
			verifies(t, r, alg, old, false)
			signedBy(t, r, alg, k2.Kid)

			st := r.States(clock.Now())
			if !st[0].Retired.Equal(k2.ActivateAt) || !st[0].Expires.Equal(k2.ActivateAt.Add(maxTTL)) ||
				!st[1].Retired.IsZero() || !st[1].Expires.IsZero() {
				t.Errorf("states timestamps: %+v", st)
			}

			// Removing the expired key changes nothing published.
			_, etag := r.JWKS()
			if !r.Remove(k1.Kid) || r.Remove(k1.Kid) {
				t.Fatal("Remove: want true once, then false")
			}
			wantStates(t, r, clock.Now(), StateActive)
			if _, again := r.JWKS(); again != etag {
				t.Errorf("ETag changed on removing an expired key: %s → %s", etag, again)
			}
			signedBy(t, r, alg, k2.Kid)
		})
	}
}

// signedBy signs with r and fails unless wantKid signed; it returns the token.
func signedBy(t *testing.T, r *Ring, alg, wantKid string) []byte {
	t.Helper()
	tok, kid, err := r.Sign(alg, "at+jwt", claims(t, "c"))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if kid != wantKid {
		t.Fatalf("signed by %s, want %s", kid, wantKid)
	}
	verifies(t, r, alg, tok, true)
	return tok
}

// verifies checks that tok does (or does not) verify against r's JWKS now,
// with both jwx and golang-jwt.
func verifies(t *testing.T, r *Ring, alg string, tok []byte, want bool) {
	t.Helper()
	doc, _ := r.JWKS()
	_, errX := verifyJWX(doc, tok)
	errJ := verifyGolangJWT(t, doc, tok, alg)
	if (errX == nil) != want || (errJ == nil) != want {
		t.Fatalf("verify: want ok=%v; jwx: %v; golang-jwt: %v", want, errX, errJ)
	}
}

// wantPublished checks the set of kids in r's JWKS.
func wantPublished(t *testing.T, r *Ring, kids ...string) {
	t.Helper()
	doc, _ := r.JWKS()
	var got []string
	for kid := range parseJWKS(t, doc) {
		got = append(got, kid)
	}
	slices.Sort(got)
	kids = slices.Sorted(slices.Values(kids))
	if !slices.Equal(got, kids) {
		t.Fatalf("published %v, want %v", got, kids)
	}
}

func wantStates(t *testing.T, r *Ring, now time.Time, states ...string) {
	t.Helper()
	var got []string
	for _, s := range r.States(now) {
		got = append(got, s.State)
	}
	if !slices.Equal(got, states) {
		t.Fatalf("states %v, want %v", got, states)
	}
}

// TestETag checks that the ETag changes exactly when the published set
// does: on adding a key and when a retired key expires, but not on
// activation, on repeated calls or on re-adding a known key.
func TestETag(t *testing.T) {
	const ttl = time.Hour
	clock := newClock(t0)
	k1 := cachedKey(t, ES256) // active since t0
	k2 := mustGenerate(t, ES256, t0, t0.Add(10*time.Minute))
	e1 := cachedKey(t, EdDSA)
	r := NewRing(nil, Options{MaxTokenTTL: ttl, Now: clock.Now})

	steps := []struct {
		name    string
		do      func()
		changed bool
	}{
		{"repeat call on empty ring", func() {}, false},
		{"add first key", func() { r.Add(k1) }, true},
		{"time passes", func() { clock.advance(time.Minute) }, false},
		{"add next key", func() { r.Add(k2) }, true},
		{"re-add known kid", func() { r.Add(k2) }, false},
		{"add nil", func() { r.Add(nil) }, false},
		{"next key activates", func() { clock.set(k2.ActivateAt) }, false},
		{"just before expiry", func() { clock.set(k2.ActivateAt.Add(ttl - 1)) }, false},
		{"retired key expires", func() { clock.set(k2.ActivateAt.Add(ttl)) }, true},
		{"long after", func() { clock.advance(1000 * time.Hour) }, false},
		{"add key of another alg", func() { r.Add(e1) }, true},
	}
	doc, etag := r.JWKS()
	for _, s := range steps {
		s.do()
		doc2, etag2 := r.JWKS()
		if (etag2 != etag) != s.changed {
			t.Errorf("%s: ETag %s -> %s, want changed=%v", s.name, etag, etag2, s.changed)
		}
		if bytes.Equal(doc, doc2) == s.changed {
			t.Errorf("%s: document changed=%v, want %v", s.name, !bytes.Equal(doc, doc2), s.changed)
		}
		if len(etag2) < 3 || etag2[0] != '"' || etag2[len(etag2)-1] != '"' {
			t.Errorf("%s: ETag %s is not a quoted strong ETag", s.name, etag2)
		}
		doc, etag = doc2, etag2
	}
}

// TestJWKSCached checks that repeat calls return the same document without
// rebuilding it.
func TestJWKSCached(t *testing.T) {
	r := NewRing([]*Key{cachedKey(t, ES256)}, Options{Now: newClock(t0).Now})
	d1, _ := r.JWKS()
	d2, _ := r.JWKS()
	if &d1[0] != &d2[0] {
		t.Error("JWKS rebuilt the document on a repeat call")
	}
	if n := testing.AllocsPerRun(100, func() { r.JWKS() }); n != 0 {
		t.Errorf("JWKS allocates %v times per cached call", n)
	}
}

// TestRotateActivation checks when Rotate schedules a new key.
func TestRotateActivation(t *testing.T) {
	tests := []struct {
		name string
		keys []*Key
		alg  string
		want time.Duration // ActivateAt - now
	}{
		{"first key ever", nil, ES256, 0},
		{"first key of its alg", []*Key{cachedKey(t, ES256)}, EdDSA, 0},
		{"alg with an active key", []*Key{cachedKey(t, ES256)}, ES256, 2 * DefaultJWKSMaxAge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock(t0.Add(time.Hour))
			k, err := NewRing(tt.keys, Options{Now: clock.Now}).Rotate(tt.alg)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.ActivateAt.Sub(clock.Now()); got != tt.want || k.Alg != tt.alg {
				t.Errorf("%s activates after %v, want %v", k.Alg, got, tt.want)
			}
		})
	}
	if _, err := NewRing(nil, Options{}).Rotate("HS256"); err == nil {
		t.Error("Rotate(HS256) succeeded")
	}
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Options
		want Options // Now not compared
	}{
		{"zero", Options{}, Options{PublishAhead: 10 * time.Minute, MaxTokenTTL: DefaultMaxTokenTTL, JWKSMaxAge: DefaultJWKSMaxAge}},
		{"publish ahead raised to max-age", Options{PublishAhead: time.Second, JWKSMaxAge: time.Minute, MaxTokenTTL: time.Hour},
			Options{PublishAhead: time.Minute, MaxTokenTTL: time.Hour, JWKSMaxAge: time.Minute}},
		{"explicit kept", Options{PublishAhead: time.Hour, JWKSMaxAge: time.Minute, MaxTokenTTL: 2 * time.Hour},
			Options{PublishAhead: time.Hour, MaxTokenTTL: 2 * time.Hour, JWKSMaxAge: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewRing(nil, tt.in).Options()
			if got.Now == nil {
				t.Error("Now is nil")
			}
			if got.PublishAhead != tt.want.PublishAhead || got.MaxTokenTTL != tt.want.MaxTokenTTL || got.JWKSMaxAge != tt.want.JWKSMaxAge {
				t.Errorf("options %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAlgorithmsAndStatesOrder(t *testing.T) {
	clock := newClock(t0)
	next := mustGenerate(t, ES256, t0, t0.Add(time.Hour))
	r := NewRing([]*Key{cachedKey(t, PS256), next, cachedKey(t, EdDSA), cachedKey(t, ES256)}, Options{Now: clock.Now})
	if got, want := r.Algorithms(), []string{ES256, EdDSA, PS256}; !slices.Equal(got, want) {
		t.Errorf("Algorithms = %v, want %v", got, want)
	}
	var got []string
	for _, s := range r.States(clock.Now()) {
		got = append(got, s.Alg+":"+s.State)
	}
	if want := []string{"ES256:active", "ES256:next", "EdDSA:active", "PS256:active"}; !slices.Equal(got, want) {
		t.Errorf("States = %v, want %v", got, want)
	}
	if got := NewRing(nil, Options{}).Algorithms(); len(got) != 0 {
		t.Errorf("empty ring Algorithms = %v", got)
	}
}

// TestRingCopiesKey checks that changing a Key after Add does not reach the ring.
func TestRingCopiesKey(t *testing.T) {
	clock := newClock(t0)
	k := mustGenerate(t, ES256, t0, t0)
	r := NewRing(nil, Options{Now: clock.Now})
	r.Add(k)
	k.ActivateAt = t0.Add(time.Hour)
	k.Kid = "forged"
	if _, kid, err := r.Sign(ES256, "at+jwt", []byte(`{}`)); err != nil || kid == "forged" {
		t.Errorf("Sign = %q, %v", kid, err)
	}
}

// TestClockBackwards checks that a clock stepping back re-derives states
// instead of trusting a snapshot built for a later instant.
func TestClockBackwards(t *testing.T) {
	clock := newClock(t0)
	k1 := cachedKey(t, ES256)
	k2 := mustGenerate(t, ES256, t0, t0.Add(time.Hour))
	r := NewRing([]*Key{k1, k2}, Options{Now: clock.Now})
	clock.set(k2.ActivateAt)
	signedBy(t, r, ES256, k2.Kid)
	clock.set(k2.ActivateAt.Add(-time.Second))
	signedBy(t, r, ES256, k1.Kid)
}

// TestSameActivationInstant checks the tie rule: of two keys activating at
// the same instant, the later-created signs.
func TestSameActivationInstant(t *testing.T) {
	a := mustGenerate(t, ES256, t0, t0)
	b := mustGenerate(t, ES256, t0.Add(time.Second), t0)
	r := NewRing([]*Key{b, a}, Options{Now: newClock(t0).Now})
	signedBy(t, r, ES256, b.Kid)
	wantStates(t, r, t0, StateRetired, StateActive)
}
