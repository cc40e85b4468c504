package store

import (
	"errors"
	"testing"
	"time"
)

func TestRevocations(t *testing.T) {
	d, path := mustOpen(t, nil)
	v0, err := d.RevocationsVersion()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.RevokeAccessTokens(); err != nil {
		t.Fatal(err)
	}
	if v, _ := d.RevocationsVersion(); v != v0 {
		t.Error("an empty revocation changed the version")
	}
	if err := d.RevokeAccessTokens(Revocation{Exp: fixedNow}); !errors.Is(err, ErrInvalid) {
		t.Errorf("revocation without jti = %v", err)
	}
	exp := fixedNow.Add(time.Hour)
	if err := d.RevokeAccessTokens(Revocation{JTI: "z", Exp: exp}, Revocation{JTI: "a", Exp: fixedNow.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	v1, _ := d.RevocationsVersion()
	if v1 == v0 {
		t.Error("version unchanged by a revocation")
	}
	// Revoking again with the same exp changes nothing.
	if err := d.RevokeAccessTokens(Revocation{JTI: "z", Exp: exp}); err != nil {
		t.Fatal(err)
	}
	if v, _ := d.RevocationsVersion(); v != v1 {
		t.Error("a repeated revocation changed the version")
	}
	got, err := d.Revocations(fixedNow)
	if err != nil || len(got) != 2 || got[0].JTI != "a" || got[1].JTI != "z" || !got[1].Exp.Equal(exp) {
		t.Fatalf("Revocations = %+v, %v; want a, z ordered by jti", got, err)
	}
	if got, _ := d.Revocations(fixedNow.Add(time.Minute)); len(got) != 1 || got[0].JTI != "z" {
		t.Errorf("Revocations(since) = %+v, want only z", got)
	}
	// Durable: a fresh open sees the set and its version.
	mustClose(t, d)
	d2 := mustReopen(t, path, nil)
	if got, _ := d2.Revocations(fixedNow); len(got) != 2 {
		t.Errorf("after reopen: %+v", got)
	}
	if v, _ := d2.RevocationsVersion(); v != v1 {
		t.Errorf("version after reopen = %d, want %d", v, v1)
	}
}
