package store

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClientRoundTrip(t *testing.T) {
	d, _ := mustOpen(t, testKEK)
	c := confidential("billing")
	c.AccessTokenTTL = 30 * time.Minute
	c.SkipAuthorization = true
	if err := d.CreateClient(c); err != nil {
		t.Fatalf("CreateClient: %v", err)
	}
	if len(c.ID) != 32 || !isURLSafe(c.ID, 64) {
		t.Errorf("assigned id %q: want 32 URL-safe characters", c.ID)
	}
	if !c.Created.Equal(fixedNow) || !c.Updated.Equal(fixedNow) {
		t.Errorf("stamps %v %v, want %v", c.Created, c.Updated, fixedNow)
	}
	byID, err := d.Client(c.ID)
	if err != nil {
		t.Fatalf("Client: %v", err)
	}
	if !reflect.DeepEqual(byID, c) {
		t.Errorf("Client(id) = %+v\nwant %+v", byID, c)
	}
	byName, err := d.ClientByName("billing")
	if err != nil || !reflect.DeepEqual(byName, c) {
		t.Errorf("ClientByName = %+v, %v", byName, err)
	}
	all, err := d.Clients()
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], c) {
		t.Errorf("Clients = %+v, %v", all, err)
	}
}

func TestClientsOrderedByName(t *testing.T) {
	d, _ := mustOpen(t, nil)
	for _, n := range []string{"zeta", "alpha", "mid"} {
		if err := d.CreateClient(confidential(n)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := d.Clients()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "alpha,mid,zeta" {
		t.Errorf("order %s", got)
	}
}

func TestClientNameUnique(t *testing.T) {
	d, _ := mustOpen(t, nil)
	first := confidential("dup")
	if err := d.CreateClient(first); err != nil {
		t.Fatal(err)
	}
	second := confidential("dup")
	if err := d.CreateClient(second); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second create: %v, want ErrDuplicate", err)
	}
	if second.ID != "" {
		t.Errorf("failed create changed the record: id %q", second.ID)
	}
	withID := confidential("other")
	withID.ID = first.ID
	if err := d.CreateClient(withID); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("create with a taken id: %v, want ErrDuplicate", err)
	}
	if err := d.DeleteClient(first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Client(first.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Client after delete: %v, want ErrNotFound", err)
	}
	if _, err := d.ClientByName("dup"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ClientByName after delete: %v, want ErrNotFound", err)
	}
	if err := d.CreateClient(confidential("dup")); err != nil {
		t.Errorf("name not freed by delete: %v", err)
	}
	if err := d.DeleteClient("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteClient(unknown) = %v, want ErrNotFound", err)
	}
}

// TestClientNameRace: of many concurrent creates with one name, exactly one wins.
func TestClientNameRace(t *testing.T) {
	d, _ := mustOpen(t, nil)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() { errs <- d.CreateClient(confidential("race")) })
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrDuplicate):
			t.Errorf("unexpected error %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d creates succeeded, want 1", won)
	}
}

func TestClientOwnerMustExist(t *testing.T) {
	d, _ := mustOpen(t, nil)
	c := confidential("owned")
	c.OwnerUserID = "ghost"
	if err := d.CreateClient(c); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown owner: %v, want ErrInvalid", err)
	}
	u := &User{Username: "alice"}
	if err := d.CreateUser(u); err != nil {
		t.Fatal(err)
	}
	c.OwnerUserID = u.ID
	if err := d.CreateClient(c); err != nil {
		t.Fatalf("known owner: %v", err)
	}
}

func TestClientValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Client) // applied to a valid confidential client
		want   string          // substring of the error; "" means valid
	}{
		{"valid", func(c *Client) {}, ""},
		{"empty name", func(c *Client) { c.Name = "" }, "name is empty"},
		{"blank name", func(c *Client) { c.Name = "   " }, "name is empty"},
		{"padded name", func(c *Client) { c.Name = " x" }, "leading or trailing space"},
		{"control in name", func(c *Client) { c.Name = "a\nb" }, "control"},
		{"long name", func(c *Client) { c.Name = strings.Repeat("n", 201) }, "longer than"},
		{"bad id", func(c *Client) { c.ID = "a/b" }, "client_id"},
		{"explicit id", func(c *Client) { c.ID = "legacy-client.1" }, ""},
		{"unknown type", func(c *Client) { c.Type = "secret" }, "client type"},
		{"confidential without secret", func(c *Client) { c.SecretHash = nil }, "needs a secret"},
		{"malformed secret hash", func(c *Client) { c.SecretHash = []byte("x") }, "needs a secret"},
		{"public with secret", func(c *Client) { c.Type = Public; c.GrantTypes = []string{GrantPassword} }, "no secret"},
		{"public ok", func(c *Client) { c.Type = Public; c.SecretHash = nil; c.GrantTypes = []string{GrantPassword} }, ""},
		{"public client_credentials", func(c *Client) { c.Type = Public; c.SecretHash = nil }, "needs a confidential client"},
		{"no grant", func(c *Client) { c.GrantTypes = nil }, "no grant type"},
		{"unknown grant", func(c *Client) { c.GrantTypes = []string{"implicit"} }, `unknown grant type "implicit"`},
		{"repeated grant", func(c *Client) { c.GrantTypes = []string{"password", "password"} }, "listed twice"},
		{"code without redirect", func(c *Client) { c.GrantTypes = []string{GrantAuthorizationCode}; c.RedirectURIs = nil }, "at least one redirect URI"},
		{"code with redirect", func(c *Client) { c.GrantTypes = []string{GrantAuthorizationCode, GrantRefreshToken} }, ""},
		{"relative redirect", func(c *Client) { c.RedirectURIs = []string{"/cb"} }, "not absolute"},
		{"redirect with fragment", func(c *Client) { c.RedirectURIs = []string{"https://a.example/cb#x"} }, "fragment"},
		{"redirect with empty fragment", func(c *Client) { c.RedirectURIs = []string{"https://a.example/cb#"} }, "fragment"},
		{"http redirect without host", func(c *Client) { c.RedirectURIs = []string{"https:///cb"} }, "no host"},
		{"native app scheme", func(c *Client) { c.RedirectURIs = []string{"com.example.app:/oauth2redirect"} }, ""},
		{"loopback redirect", func(c *Client) { c.RedirectURIs = []string{"http://127.0.0.1/cb"} }, ""},
		{"repeated redirect", func(c *Client) { c.RedirectURIs = []string{"https://a.example/", "https://a.example/"} }, "listed twice"},
		{"bad post-logout uri", func(c *Client) { c.PostLogoutRedirectURIs = []string{"x"} }, "post-logout"},
		{"scope with quote", func(c *Client) { c.Scopes = []string{`a"b`} }, "scope token"},
		{"empty scope", func(c *Client) { c.Scopes = []string{""} }, "scope token"},
		{"repeated scope", func(c *Client) { c.Scopes = []string{"a", "a"} }, "listed twice"},
		{"negative ttl", func(c *Client) { c.AccessTokenTTL = -time.Second }, "negative"},
		{"empty audience", func(c *Client) { c.Audience = []string{""} }, "audience"},
		{"unknown alg", func(c *Client) { c.SigningAlg = "HS256" }, "signing algorithm"},
		{"unknown id token alg", func(c *Client) { c.IDTokenSignedResponseAlg = "none" }, "id token algorithm"},
		{"unknown response type", func(c *Client) { c.ResponseTypes = []string{"code token"} }, "response type"},
		{"allowed response type", func(c *Client) { c.ResponseTypes = []string{"code id_token"} }, ""},
		{"allowed origins", func(c *Client) { c.AllowedOrigins = []string{"https://app.example", "http://127.0.0.1:3000"} }, ""},
		{"origin not serialized", func(c *Client) { c.AllowedOrigins = []string{"https://App.example:443/"} }, "allowed origin"},
		{"origin with path", func(c *Client) { c.AllowedOrigins = []string{"https://app.example/x"} }, "allowed origin"},
		{"wildcard origin", func(c *Client) { c.AllowedOrigins = []string{"*"} }, "allowed origin"},
		{"repeated origin", func(c *Client) { c.AllowedOrigins = []string{"https://a.example", "https://a.example"} }, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := confidential("app")
			tt.mutate(c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestCreateClientValidates(t *testing.T) {
	d, _ := mustOpen(t, nil)
	c := confidential("x")
	c.GrantTypes = []string{"bogus"}
	if err := d.CreateClient(c); !errors.Is(err, ErrInvalid) {
		t.Fatalf("CreateClient = %v, want ErrInvalid", err)
	}
	if all, _ := d.Clients(); len(all) != 0 {
		t.Errorf("invalid client stored: %+v", all)
	}
}

// TestDeleteClientRevokesItsGrants: deleting a client revokes every
// refresh family issued to it, whichever user, publishes their access
// tokens as revoked, and deletes the consents to it; other clients'
// grants stay.
func TestDeleteClientRevokesItsGrants(t *testing.T) {
	d, _ := mustOpen(t, nil) // its clock is fixedNow
	gone, kept := confidential("gone"), confidential("kept")
	for _, c := range []*Client{gone, kept} {
		if err := d.CreateClient(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range [][2]string{{"u1", gone.ID}, {"u2", gone.ID}, {"u1", kept.ID}} {
		if _, err := d.GrantConsent(k[0], k[1], []string{"read"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct{ user, client, tok string }{
		{"u1", gone.ID, "t1"}, {"u2", gone.ID, "t2"}, {"u1", kept.ID, "t3"},
	} {
		fam := testFamily()
		fam.UserID, fam.ClientID = f.user, f.client
		fam.AccessJTIs = []Revocation{{JTI: "at-" + f.tok, Exp: fixedNow.Add(time.Hour)}}
		if err := d.CreateRefreshFamily(f.tok, fam); err != nil {
			t.Fatal(err)
		}
	}

	if err := d.DeleteClient(gone.ID); err != nil {
		t.Fatal(err)
	}
	for tok, revoked := range map[string]bool{"t1": true, "t2": true, "t3": false} {
		f, _, err := d.RefreshTokenFamily(tok)
		if err != nil {
			t.Fatal(err)
		}
		if f.Revoked != revoked {
			t.Errorf("family of %s: revoked %v, want %v", tok, f.Revoked, revoked)
		}
	}
	for _, u := range []string{"u1", "u2"} {
		if _, err := d.Consent(u, gone.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("consent of %s to the deleted client: %v, want ErrNotFound", u, err)
		}
	}
	if _, err := d.Consent("u1", kept.ID); err != nil {
		t.Errorf("consent to another client: %v", err)
	}
	revs, err := d.Revocations(fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var jtis []string
	for _, r := range revs {
		jtis = append(jtis, r.JTI)
	}
	slices.Sort(jtis)
	if want := []string{"at-t1", "at-t2"}; !slices.Equal(jtis, want) {
		t.Errorf("revoked access tokens %v, want %v", jtis, want)
	}
}

func TestParseOrigin(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://app.example", "https://app.example"},
		{"HTTPS://App.Example:443/", "https://app.example"},
		{"http://app.example:80", "http://app.example"},
		{"http://app.example:8080", "http://app.example:8080"},
		{"https://app.example:80", "https://app.example:80"},
		{"http://[::1]:3000", "http://[::1]:3000"},
		{"*", ""},
		{"null", ""},
		{"app.example", ""},
		{"ftp://app.example", ""},
		{"https://", ""},
		{"https://app.example/path", ""},
		{"https://app.example?q", ""},
		{"https://app.example#", ""},
		{"https://user@app.example", ""},
		{"https://app .example", ""},
	} {
		got, err := ParseOrigin(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestUpdateClient: an update replaces the record and moves the name
// index, keeps Created, checks the caller's Updated, and refuses a type
// change, a taken name, an unknown client and an invalid record, writing
// nothing then.
func TestUpdateClient(t *testing.T) {
	d, _ := mustOpen(t, nil)
	a, b := confidential("a"), confidential("b")
	for _, c := range []*Client{a, b} {
		if err := d.CreateClient(c); err != nil {
			t.Fatal(err)
		}
	}
	up := *a
	up.Name, up.Scopes = "a2", []string{"read"}
	if err := d.UpdateClient(&up, a.Updated); err != nil {
		t.Fatal(err)
	}
	got, err := d.ClientByName("a2")
	if err != nil || got.ID != a.ID || !got.Created.Equal(a.Created) || len(got.Scopes) != 1 {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	if _, err := d.ClientByName("a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old name still indexed: %v", err)
	}
	stale := up
	stale.Scopes = []string{"write"}
	for _, tt := range []struct {
		name      string
		c         Client
		ifUpdated time.Time
		want      error
	}{
		{"stale", stale, up.Updated.Add(-time.Second), ErrConflict},
		{"taken name", func() Client { c := up; c.Name = "b"; return c }(), up.Updated, ErrDuplicate},
		{"type change", func() Client {
			c := up
			c.Type = Public
			c.SecretHash = nil
			c.GrantTypes = []string{GrantPassword}
			return c
		}(), time.Time{}, ErrInvalid},
		{"invalid", func() Client { c := up; c.GrantTypes = nil; return c }(), time.Time{}, ErrInvalid},
		{"unknown", func() Client { c := up; c.ID = "nope"; return c }(), time.Time{}, ErrNotFound},
	} {
		if err := d.UpdateClient(&tt.c, tt.ifUpdated); !errors.Is(err, tt.want) {
			t.Errorf("%s: UpdateClient = %v, want %v", tt.name, err, tt.want)
		}
	}
	if got, _ := d.Client(a.ID); got.Name != "a2" || got.Scopes[0] != "read" {
		t.Errorf("a refused update wrote: %+v", got)
	}
}
