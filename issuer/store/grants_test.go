package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestGrantsListAndRevoke(t *testing.T) {
	d, _ := mustOpen(t, nil)
	for _, k := range [][2]string{{"u1", "c1"}, {"u1", "c2"}, {"u2", "c1"}} {
		if _, err := d.GrantConsent(k[0], k[1], []string{"read"}); err != nil {
			t.Fatal(err)
		}
	}
	fam := func(user, client, tok string) *RefreshFamily {
		f := testFamily()
		f.UserID, f.ClientID = user, client
		f.AccessJTIs = []Revocation{{JTI: "at-" + tok, Exp: fixedNow.Add(time.Hour)}}
		if err := d.CreateRefreshFamily(tok, f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	fam("u1", "c1", "t1")
	fam("u1", "c1", "t2")
	fam("u1", "c3", "t3") // a family without a consent (password grant)
	fam("u2", "c1", "t4")
	dead := fam("u1", "c2", "t5")
	if err := d.RevokeRefreshFamily(dead.ID, fixedNow); err != nil {
		t.Fatal(err)
	}

	gs, err := d.Grants("u1", "", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		client   string
		consent  bool
		families int
	}
	want := []row{{"c1", true, 2}, {"c2", true, 0}, {"c3", false, 1}}
	if len(gs) != len(want) {
		t.Fatalf("Grants = %d grants, want %d", len(gs), len(want))
	}
	for i, g := range gs {
		got := row{g.ClientID, g.Consent != nil, len(g.Families)}
		if got != want[i] || g.UserID != "u1" {
			t.Errorf("grant %d = %+v, want %+v", i, got, want[i])
		}
	}
	if gs, _ := d.Grants("u1", "c3", fixedNow); len(gs) != 1 || gs[0].ClientID != "c3" {
		t.Errorf("Grants(u1, c3) = %+v", gs)
	}
	if gs, _ := d.Grants("u1", "c1", fixedNow.Add(31*24*time.Hour)); len(gs) != 1 || len(gs[0].Families) != 0 {
		t.Errorf("expired families listed: %+v", gs)
	}

	fams, cons, err := d.RevokeGrants("u1", "c1", fixedNow)
	if err != nil || fams != 2 || cons != 1 {
		t.Fatalf("RevokeGrants(u1, c1) = %d, %d, %v; want 2 families, 1 consent", fams, cons, err)
	}
	for _, tok := range []string{"t1", "t2"} {
		if f, _, _ := d.RefreshTokenFamily(tok); !f.Revoked {
			t.Errorf("family of %s not revoked", tok)
		}
	}
	if f, _, _ := d.RefreshTokenFamily("t4"); f.Revoked {
		t.Error("another user's family was revoked")
	}
	if _, err := d.Consent("u1", "c1"); !errors.Is(err, ErrNotFound) {
		t.Error("consent survived RevokeGrants")
	}
	if _, err := d.Consent("u2", "c1"); err != nil {
		t.Error("another user's consent was deleted")
	}
	revs, _ := d.Revocations(fixedNow)
	if len(revs) != 3 { // at-t5 (revoked earlier), at-t1, at-t2
		t.Errorf("revocations = %+v, want 3", revs)
	}

	fams, cons, err = d.RevokeGrants("u1", "", fixedNow)
	if err != nil || fams != 1 || cons != 1 {
		t.Errorf("RevokeGrants(u1) = %d, %d, %v; want c3's family and c2's consent", fams, cons, err)
	}
	if _, _, err := d.RevokeGrants("", "", fixedNow); !errors.Is(err, ErrInvalid) {
		t.Errorf("RevokeGrants without a user = %v", err)
	}
}

func TestGrantsEveryUser(t *testing.T) {
	d, _ := mustOpen(t, nil)
	for _, k := range [][2]string{{"u2", "c1"}, {"u1", "c2"}, {"u1", "c1"}} {
		if _, err := d.GrantConsent(k[0], k[1], []string{"read"}); err != nil {
			t.Fatal(err)
		}
	}
	f := testFamily()
	f.UserID, f.ClientID = "u3", "c1"
	if err := d.CreateRefreshFamily("t", f); err != nil {
		t.Fatal(err)
	}
	gs, err := d.Grants("", "", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.UserID+"/"+g.ClientID)
	}
	want := []string{"u1/c1", "u1/c2", "u2/c1", "u3/c1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Grants(all) = %v, want %v", got, want)
	}
	if gs, _ := d.Grants("", "c2", fixedNow); len(gs) != 1 || gs[0].UserID != "u1" {
		t.Errorf("Grants(all, c2) = %+v", gs)
	}
}
