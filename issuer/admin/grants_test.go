package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// seedGrants gives st two users, two clients, consents and refresh
// families, all with fixed ids, so two stores seeded alike compare equal.
func seedGrants(t *testing.T, st *store.DB) {
	t.Helper()
	for _, u := range []string{"alice", "bob"} {
		if err := st.CreateUser(&store.User{ID: "id-" + u, Username: u}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"web", "cli"} {
		if err := st.CreateClient(&store.Client{ID: c + "-id", Name: c, Type: store.Public,
			GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectURIs: []string{"http://127.0.0.1/cb"}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range [][2]string{{"id-alice", "web-id"}, {"id-bob", "web-id"}} {
		if _, err := st.GrantConsent(k[0], k[1], []string{"openid", "read"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range [][2]string{{"id-alice", "web-id"}, {"id-alice", "cli-id"}, {"id-bob", "web-id"}} {
		f := &store.RefreshFamily{ID: fmt.Sprintf("fam-%d", i), UserID: k[0], ClientID: k[1], Scope: "read",
			Created: fixedNow, Expires: fixedNow.Add(24 * time.Hour),
			AccessJTIs: []store.Revocation{{JTI: fmt.Sprintf("jti-%d", i), Exp: fixedNow.Add(time.Hour)}}}
		if err := st.CreateRefreshFamily(fmt.Sprintf("token-%d", i), f); err != nil {
			t.Fatal(err)
		}
	}
}

var grantScenario = []step{
	{"list all", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "", "") }},
	{"list alice by name", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "alice", "") }},
	{"list alice web by name", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "id-alice", "web") }},
	{"list unknown user", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "zed", "") }},
	{"list unknown client", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "alice", "nope") }},
	{"revoke without user", func(ctx context.Context, b Backend) (any, error) { return b.RevokeGrants(ctx, "", "web") }},
	{"revoke alice web", func(ctx context.Context, b Backend) (any, error) { return b.RevokeGrants(ctx, "alice", "web-id") }},
	{"revoke alice web again", func(ctx context.Context, b Backend) (any, error) { return b.RevokeGrants(ctx, "alice", "web") }},
	{"list after", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "", "") }},
	{"revoke alice", func(ctx context.Context, b Backend) (any, error) { return b.RevokeGrants(ctx, "alice", "") }},
	{"list alice after", func(ctx context.Context, b Backend) (any, error) { return b.ListGrants(ctx, "alice", "") }},
}

// TestGrantsLocalRemoteSame: the grants operations give the same results
// and errors locally and through the socket, and revoke for real.
func TestGrantsLocalRemoteSame(t *testing.T) {
	local, localStore, _ := mustLocal(t)
	served, servedStore, path := mustLocal(t)
	seedGrants(t, localStore)
	seedGrants(t, servedStore)
	mustServe(t, served, path)
	remote := &Remote{Path: SocketPath(path)}

	run := func(b Backend) []string {
		var out []string
		for _, s := range grantScenario {
			res, err := s.call(context.Background(), b)
			raw, _ := json.Marshal(res)
			out = append(out, fmt.Sprintf("%s: %s | err=%v | is=%s", s.name, raw, err, codeOfOrNone(err)))
		}
		return out
	}
	want, got := run(local), run(remote)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d differs:\nlocal:  %s\nremote: %s", i, want[i], got[i])
		}
	}
	all := strings.Join(want, "\n")
	for _, must := range []string{
		`list alice web by name: [{"user_id":"id-alice","client_id":"web-id","consent":{`,
		`"families":[{"id":"fam-0"`,
		`list unknown user: null | err=store: not found: no user with id or username "zed" | is=not_found`,
		`revoke without user: {"families":0,"consents":0} | err=store: invalid record: revoking grants needs a user | is=invalid`,
		`revoke alice web: {"families":1,"consents":1}`,
		`revoke alice web again: {"families":0,"consents":0}`,
		`revoke alice: {"families":1,"consents":0}`,
		`list alice after: null |`,
	} {
		if !strings.Contains(all, must) {
			t.Errorf("transcript lacks %s:\n%s", must, all)
		}
	}
	if strings.Contains(all, "jti-") {
		t.Errorf("listing shows access-token jtis:\n%s", all)
	}
	// Through the socket, the revocations reached the served store.
	revs, err := servedStore.Revocations(fixedNow)
	if err != nil || len(revs) != 2 {
		t.Errorf("revocation set after revoking alice's grants = %+v, %v; want jti-0 and jti-1", revs, err)
	}
	if f, _, _ := servedStore.RefreshTokenFamily("token-2"); f.Revoked {
		t.Error("bob's family was revoked")
	}
}

func codeOfOrNone(err error) string {
	if err == nil {
		return "none"
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return codeOf(err)
}

// TestDeleteUserRevokesGrants: deleting a user revokes their families and
// publishes their access tokens as revoked.
func TestDeleteUserRevokesGrants(t *testing.T) {
	local, st, _ := mustLocal(t)
	seedGrants(t, st)
	if err := local.DeleteUser(context.Background(), "alice"); err != nil {
		t.Fatal(err)
	}
	revs, _ := st.Revocations(fixedNow)
	if len(revs) != 2 {
		t.Errorf("revocations = %+v, want alice's two access tokens", revs)
	}
	if gs, _ := st.Grants("id-alice", "", fixedNow); len(gs) != 0 {
		t.Errorf("grants left: %+v", gs)
	}
}
