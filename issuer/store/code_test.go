package store

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// testCode returns a code record for client c1 and user u1 expiring a
// minute after fixedNow.
func testCode() *AuthCode {
	return &AuthCode{ClientID: "c1", UserID: "u1", RedirectURI: "https://app.example/cb", Scope: "openid read",
		CodeChallenge: "abc", CodeChallengeMethod: "S256", Expires: fixedNow.Add(time.Minute)}
}

// testFamily returns a family of c1 and u1 for 30 days.
func testFamily() *RefreshFamily {
	return &RefreshFamily{ClientID: "c1", UserID: "u1", Scope: "openid read", Created: fixedNow,
		Expires: fixedNow.Add(30 * 24 * time.Hour), IdleExpires: fixedNow.Add(24 * time.Hour)}
}

func TestCodeStoredByHash(t *testing.T) {
	d, path := mustOpen(t, nil)
	if err := d.CreateCode("the-code", testCode()); err != nil {
		t.Fatal(err)
	}
	if err := d.CreateCode("the-code", testCode()); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second CreateCode = %v, want ErrDuplicate", err)
	}
	got, err := d.Code("the-code")
	if err != nil || got.ClientID != "c1" || got.Redeemed || !got.Created.Equal(fixedNow) {
		t.Fatalf("Code = %+v, %v", got, err)
	}
	if _, err := d.Code("other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code = %v", err)
	}
	mustClose(t, d)
	if raw, err := os.ReadFile(path); err != nil || bytes.Contains(raw, []byte("the-code")) {
		t.Error("the database file holds the code itself")
	}
}

func TestCreateCodeRejects(t *testing.T) {
	d, _ := mustOpen(t, nil)
	tests := []struct {
		name string
		code string
		rec  *AuthCode
	}{
		{"empty code", "", testCode()},
		{"nil record", "x", nil},
		{"no client", "x", &AuthCode{Expires: fixedNow}},
		{"no expiry", "x", &AuthCode{ClientID: "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := d.CreateCode(tt.code, tt.rec); !errors.Is(err, ErrInvalid) {
				t.Errorf("CreateCode = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRedeemCodeOnce(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.CreateCode("c", testCode()); err != nil {
		t.Fatal(err)
	}
	access := Revocation{JTI: "jti-1", Exp: fixedNow.Add(time.Hour)}
	r := &Redemption{Now: fixedNow, Access: access, RefreshToken: "rt-1", Family: testFamily()}
	if err := d.RedeemCode("c", r); err != nil {
		t.Fatalf("RedeemCode = %v", err)
	}
	rec, _ := d.Code("c")
	if !rec.Redeemed || rec.FamilyID == "" || len(rec.AccessJTIs) != 1 || rec.AccessJTIs[0].JTI != "jti-1" {
		t.Fatalf("after redemption: %+v", rec)
	}
	f, gen, err := d.RefreshTokenFamily("rt-1")
	if err != nil || f.ID != rec.FamilyID || gen != 1 || f.Generation != 1 {
		t.Fatalf("family of the issued refresh token = %+v gen %d, %v", f, gen, err)
	}

	// The replay: ErrReplay, and the family and the access token revoked
	// in the same (committed) transaction.
	v0, _ := d.RevocationsVersion()
	if err := d.RedeemCode("c", &Redemption{Now: fixedNow.Add(time.Second)}); !errors.Is(err, ErrReplay) {
		t.Fatalf("second RedeemCode = %v, want ErrReplay", err)
	}
	f, _, _ = d.RefreshTokenFamily("rt-1")
	if !f.Revoked {
		t.Error("replay did not revoke the family")
	}
	revs, _ := d.Revocations(fixedNow)
	if len(revs) != 1 || revs[0].JTI != "jti-1" {
		t.Errorf("revocations after replay = %+v", revs)
	}
	if v1, _ := d.RevocationsVersion(); v1 == v0 {
		t.Error("revocation version unchanged by the replay")
	}
}

func TestRedeemCodeExpired(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.CreateCode("c", testCode()); err != nil {
		t.Fatal(err)
	}
	r := &Redemption{Now: fixedNow.Add(time.Minute), Access: Revocation{JTI: "j", Exp: fixedNow.Add(time.Hour)}}
	if err := d.RedeemCode("c", r); !errors.Is(err, ErrExpired) {
		t.Fatalf("RedeemCode at expiry = %v, want ErrExpired", err)
	}
	if rec, _ := d.Code("c"); rec.Redeemed {
		t.Error("an expired code was marked redeemed")
	}
	if err := d.RedeemCode("nope", r); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code = %v", err)
	}
}
