package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// rotation returns a rotation of client c1 at now to next.
func rotation(now time.Time, next string) *Rotation {
	return &Rotation{ClientID: "c1", Now: now, Next: next, IdleTTL: time.Hour,
		Access: Revocation{JTI: "jti-" + next, Exp: now.Add(time.Hour)}}
}

func TestRotateRefresh(t *testing.T) {
	d, _ := mustOpen(t, nil)
	f := testFamily()
	if err := d.CreateRefreshFamily("rt-1", f); err != nil {
		t.Fatal(err)
	}
	if f.ID == "" || f.Generation != 1 {
		t.Fatalf("created family = %+v", f)
	}
	now := fixedNow.Add(time.Minute)
	got, err := d.RotateRefresh("rt-1", rotation(now, "rt-2"))
	if err != nil || got.Generation != 2 || !got.LastUsed.Equal(now) || !got.IdleExpires.Equal(now.Add(time.Hour)) {
		t.Fatalf("RotateRefresh = %+v, %v", got, err)
	}
	if _, gen, err := d.RefreshTokenFamily("rt-2"); err != nil || gen != 2 {
		t.Fatalf("new token: gen %d, %v", gen, err)
	}
	if _, gen, err := d.RefreshTokenFamily("rt-1"); err != nil || gen != 1 {
		t.Fatalf("rotated token must stay known (reuse detection): gen %d, %v", gen, err)
	}
}

func TestRotateRefreshRules(t *testing.T) {
	tests := []struct {
		name string
		prep func(d *DB) // after family "rt-1" was created
		rot  *Rotation
		want error
	}{
		{"another client", nil, &Rotation{ClientID: "c2", Now: fixedNow, Next: "x"}, ErrNotFound},
		{"unknown token", nil, nil, ErrNotFound},
		{"absolute expiry", nil, rotation(fixedNow.Add(30*24*time.Hour), "x"), ErrExpired},
		{"idle expiry", nil, rotation(fixedNow.Add(24*time.Hour), "x"), ErrExpired},
		{"revoked family", func(d *DB) {
			f, _, _ := d.RefreshTokenFamily("rt-1")
			if err := d.RevokeRefreshFamily(f.ID, fixedNow); err != nil {
				panic(err)
			}
		}, rotation(fixedNow, "x"), ErrRevoked},
		{"same token as next", nil, rotation(fixedNow, "rt-1"), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := mustOpen(t, nil)
			if err := d.CreateRefreshFamily("rt-1", testFamily()); err != nil {
				t.Fatal(err)
			}
			if tt.prep != nil {
				tt.prep(d)
			}
			tok := "rt-1"
			if tt.rot == nil {
				tok, tt.rot = "unknown", rotation(fixedNow, "x")
			}
			if _, err := d.RotateRefresh(tok, tt.rot); !errors.Is(err, tt.want) {
				t.Errorf("RotateRefresh = %v, want %v", err, tt.want)
			}
			if f, gen, _ := d.RefreshTokenFamily("rt-1"); f.Generation != 1 || gen != 1 {
				t.Errorf("a failed rotation changed the family: %+v", f)
			}
		})
	}
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	d, _ := mustOpen(t, nil)
	f := testFamily()
	f.AccessJTIs = []Revocation{{JTI: "first", Exp: fixedNow.Add(time.Hour)}}
	if err := d.CreateRefreshFamily("rt-1", f); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RotateRefresh("rt-1", rotation(fixedNow, "rt-2")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RotateRefresh("rt-1", rotation(fixedNow, "rt-3")); !errors.Is(err, ErrReplay) {
		t.Fatalf("reuse = %v, want ErrReplay", err)
	}
	got, _, _ := d.RefreshTokenFamily("rt-2")
	if !got.Revoked {
		t.Fatal("reuse did not revoke the family")
	}
	if _, err := d.RotateRefresh("rt-2", rotation(fixedNow, "rt-4")); !errors.Is(err, ErrRevoked) {
		t.Errorf("the current token after reuse = %v, want ErrRevoked", err)
	}
	revs, _ := d.Revocations(fixedNow)
	jtis := map[string]bool{}
	for _, r := range revs {
		jtis[r.JTI] = true
	}
	if !jtis["first"] || !jtis["jti-rt-2"] || len(jtis) != 2 {
		t.Errorf("revoked jtis = %v, want the family's two access tokens", jtis)
	}
}

// TestRotateRefreshHammer: of 16 concurrent rotations of one token exactly
// one succeeds; the rest present a spent token (reuse) and revoke the
// family.
func TestRotateRefreshHammer(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.CreateRefreshFamily("rt-1", testFamily()); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = d.RotateRefresh("rt-1", rotation(fixedNow, fmt.Sprintf("next-%d", i)))
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrReplay) && !errors.Is(err, ErrRevoked):
			t.Errorf("loser got %v, want ErrReplay (or ErrRevoked once another loser revoked)", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d rotations won, want exactly 1", won)
	}
	f, _, _ := d.RefreshTokenFamily("rt-1")
	if f.Generation != 2 || !f.Revoked {
		t.Errorf("family = gen %d revoked %v; want generation 2, revoked by the losers' reuse", f.Generation, f.Revoked)
	}
}

func TestPurgeExpired(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.CreateCode("old", testCode()); err != nil {
		t.Fatal(err)
	}
	live := testCode()
	live.Expires = fixedNow.Add(48 * time.Hour)
	if err := d.CreateCode("live", live); err != nil {
		t.Fatal(err)
	}
	short := testFamily()
	short.Expires = fixedNow.Add(time.Hour)
	if err := d.CreateRefreshFamily("short-1", short); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RotateRefresh("short-1", &Rotation{ClientID: "c1", Now: fixedNow, Next: "short-2"}); err != nil {
		t.Fatal(err)
	}
	if err := d.CreateRefreshFamily("long", testFamily()); err != nil {
		t.Fatal(err)
	}
	if err := d.RevokeAccessTokens(Revocation{JTI: "a", Exp: fixedNow.Add(time.Hour)}, Revocation{JTI: "b", Exp: fixedNow.Add(72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	v0, _ := d.RevocationsVersion()
	n, err := d.PurgeExpired(fixedNow.Add(24 * time.Hour))
	// old code, short family, its two tokens, revocation a
	if err != nil || n != 5 {
		t.Fatalf("PurgeExpired = %d, %v; want 5", n, err)
	}
	if _, err := d.Code("old"); !errors.Is(err, ErrNotFound) {
		t.Error("expired code kept")
	}
	if _, err := d.Code("live"); err != nil {
		t.Error("live code purged")
	}
	for _, tok := range []string{"short-1", "short-2"} {
		if _, _, err := d.RefreshTokenFamily(tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("token %s of an expired family kept: %v", tok, err)
		}
	}
	if _, _, err := d.RefreshTokenFamily("long"); err != nil {
		t.Error("live family purged")
	}
	if revs, _ := d.Revocations(time.Time{}); len(revs) != 1 || revs[0].JTI != "b" {
		t.Errorf("revocations = %+v, want only b", revs)
	}
	if v1, _ := d.RevocationsVersion(); v1 == v0 {
		t.Error("purging a revocation did not change the version")
	}
}
