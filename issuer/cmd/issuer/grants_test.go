package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

func TestGrantsCommands(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "pw\n", "user", "add", "--db", db, "--username", "alice", "--password-stdin")
	mustRunIn(t, "pw\n", "user", "add", "--db", db, "--username", "bob", "--password-stdin")
	var web struct {
		ID string `json:"client_id"`
	}
	out := mustRunIn(t, "", "client", "add", "--db", db, "--name", "web", "--grant", "authorization_code,refresh_token",
		"--redirect-uri", "https://app.example/cb", "--json")
	if err := json.Unmarshal([]byte(out), &web); err != nil {
		t.Fatal(err)
	}

	// What the flows would have written: consents and refresh families.
	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := st.UserByName("alice")
	bob, _ := st.UserByName("bob")
	now := time.Now()
	for i, u := range []*store.User{alice, bob} {
		if _, err := st.GrantConsent(u.ID, web.ID, []string{"openid", "read"}); err != nil {
			t.Fatal(err)
		}
		f := &store.RefreshFamily{UserID: u.ID, ClientID: web.ID, Scope: "openid read", Created: now, Expires: now.Add(time.Hour),
			AccessJTIs: []store.Revocation{{JTI: "jti-" + u.Username, Exp: now.Add(time.Hour)}}}
		if err := st.CreateRefreshFamily("token-"+string(rune('a'+i)), f); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	out = mustRunIn(t, "", "grants", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "USER") || !strings.Contains(out, "openid read") {
		t.Errorf("grants list:\n%s", out)
	}
	out = mustRunIn(t, "", "grants", "list", "--db", db, "--user", "alice", "--client", "web", "--json")
	var gs []store.Grant
	if err := json.Unmarshal([]byte(out), &gs); err != nil || len(gs) != 1 || gs[0].UserID != alice.ID ||
		gs[0].Consent == nil || len(gs[0].Families) != 1 {
		t.Fatalf("grants list --json = %s (%v)", out, err)
	}
	if r := runIn(t, "", "grants", "revoke", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "--user is required") {
		t.Errorf("revoke without --user: %+v", r)
	}
	if r := runIn(t, "", "grants", "list", "--db", db, "--user", "nobody"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("unknown user: %+v", r)
	}
	out = mustRunIn(t, "", "grants", "revoke", "--db", db, "--user", "alice", "--json")
	if strings.TrimSpace(out) != "{\n  \"families\": 1,\n  \"consents\": 1\n}" {
		t.Errorf("grants revoke --json = %q", out)
	}
	out = mustRunIn(t, "", "grants", "revoke", "--db", db, "--user", "alice", "--client", web.ID)
	if !strings.Contains(out, "revoked 0 refresh token families") {
		t.Errorf("second revoke printed %q", out)
	}
	out = mustRunIn(t, "", "grants", "list", "--db", db, "--json")
	if err := json.Unmarshal([]byte(out), &gs); err != nil || len(gs) != 1 || gs[0].UserID != bob.ID {
		t.Errorf("after revoking alice: %s", out)
	}

	st, err = store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	revs, _ := st.Revocations(now)
	if len(revs) != 1 || revs[0].JTI != "jti-alice" {
		t.Errorf("revocation set = %+v, want alice's access token", revs)
	}
}
