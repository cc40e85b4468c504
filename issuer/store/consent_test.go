package store

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

func TestConsentGrantMerges(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if _, err := d.Consent("u1", "c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Consent before grant = %v", err)
	}
	c, err := d.GrantConsent("u1", "c1", []string{"openid", "read"})
	if err != nil || !slices.Equal(c.Scopes, []string{"openid", "read"}) || !c.Created.Equal(fixedNow) {
		t.Fatalf("GrantConsent = %+v, %v", c, err)
	}
	c, err = d.GrantConsent("u1", "c1", []string{"read", "write"})
	if err != nil || !slices.Equal(c.Scopes, []string{"openid", "read", "write"}) {
		t.Fatalf("second GrantConsent = %+v, %v; want the union", c, err)
	}
	got, err := d.Consent("u1", "c1")
	if err != nil || !slices.Equal(got.Scopes, c.Scopes) || got.UserID != "u1" || got.ClientID != "c1" {
		t.Fatalf("Consent = %+v, %v", got, err)
	}
	if _, err := d.Consent("u1", "c2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("consent leaked to another client: %v", err)
	}
	if _, err := d.Consent("u2", "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("consent leaked to another user: %v", err)
	}
}

func TestConsentsListAndDelete(t *testing.T) {
	d, _ := mustOpen(t, nil)
	for _, k := range [][2]string{{"u1", "b"}, {"u1", "a"}, {"u10", "a"}, {"u", "a"}} {
		if _, err := d.GrantConsent(k[0], k[1], []string{"read"}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := d.Consents("u1")
	if err != nil || len(cs) != 2 || cs[0].ClientID != "a" || cs[1].ClientID != "b" {
		t.Fatalf("Consents(u1) = %+v, %v; want a, b only", cs, err)
	}
	if err := d.DeleteConsent("u1", "a"); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteConsent("u1", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteConsent = %v", err)
	}
	if cs, _ := d.Consents("u1"); len(cs) != 1 || cs[0].ClientID != "b" {
		t.Errorf("after delete: %+v", cs)
	}
	if cs, _ := d.Consents("nobody"); len(cs) != 0 {
		t.Errorf("Consents(nobody) = %+v", cs)
	}
}

func TestConsentInvalid(t *testing.T) {
	d, _ := mustOpen(t, nil)
	tests := []struct {
		name, user, client string
		scopes             []string
	}{
		{"no user", "", "c", []string{"read"}},
		{"no client", "u", "", []string{"read"}},
		{"NUL in user", "u\x00c", "c", []string{"read"}},
		{"bad scope", "u", "c", []string{"a b"}},
		{"empty scope", "u", "c", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := d.GrantConsent(tt.user, tt.client, tt.scopes); !errors.Is(err, ErrInvalid) {
				t.Errorf("GrantConsent = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestConsentConcurrentGrants: grants racing on one record all land.
func TestConsentConcurrentGrants(t *testing.T) {
	d, _ := mustOpen(t, nil)
	scopes := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	var wg sync.WaitGroup
	for _, s := range scopes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.GrantConsent("u", "c", []string{s}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c, err := d.Consent("u", "c")
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(slices.Values(c.Scopes))
	if !slices.Equal(got, scopes) {
		t.Errorf("scopes = %v, want %v", got, scopes)
	}
}
