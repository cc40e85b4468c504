package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// step is one admin call of the shared scenario.
type step struct {
	name string
	call func(ctx context.Context, b Backend) (any, error)
}

var scenario = []step{
	{"add confidential", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, &store.Client{ID: "web-id", Name: "web", GrantTypes: []string{"client_credentials"}, Scopes: []string{"read"}})
		return []any{c, secret}, err
	}},
	{"add duplicate name", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, &store.Client{Name: "web", GrantTypes: []string{"client_credentials"}})
		return []any{c, secret}, err
	}},
	{"add unknown grant", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, &store.Client{Name: "x", GrantTypes: []string{"implicit"}})
		return []any{c, secret}, err
	}},
	{"add nil", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, nil)
		return []any{c, secret}, err
	}},
	{"add public", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, &store.Client{ID: "spa-id", Name: "spa", Type: store.Public,
			GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectURIs: []string{"http://127.0.0.1/cb"}})
		return []any{c, secret}, err
	}},
	{"public ignores a supplied hash", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.AddClient(ctx, &store.Client{ID: "cli-id", Name: "cli", Type: store.Public,
			SecretHash: store.HashSecret("x"), GrantTypes: []string{"password"}})
		return []any{c, secret}, err
	}},
	{"list clients", func(ctx context.Context, b Backend) (any, error) { return b.ListClients(ctx) }},
	{"show by id", func(ctx context.Context, b Backend) (any, error) { return b.ShowClient(ctx, "web-id") }},
	{"show by name", func(ctx context.Context, b Backend) (any, error) { return b.ShowClient(ctx, "spa") }},
	{"show unknown", func(ctx context.Context, b Backend) (any, error) { return b.ShowClient(ctx, "nope") }},
	{"update with a new secret", func(ctx context.Context, b Backend) (any, error) {
		c, err := b.ShowClient(ctx, "web")
		if err != nil {
			return nil, err
		}
		c.Name, c.Scopes, c.AllowedOrigins = "web2", []string{"read", "write"}, []string{"https://app.example"}
		c, secret, err := b.UpdateClient(ctx, "web-id", c, true)
		return []any{c, secret}, err
	}},
	{"update stale", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.UpdateClient(ctx, "web2", &store.Client{Name: "web3", GrantTypes: []string{"password"}, Updated: fixedNow.Add(-time.Hour)}, false)
		return []any{c, secret}, err
	}},
	{"update to a taken name", func(ctx context.Context, b Backend) (any, error) {
		c, err := b.ShowClient(ctx, "web2")
		if err != nil {
			return nil, err
		}
		c.Name = "cli"
		c, secret, err := b.UpdateClient(ctx, "web2", c, false)
		return []any{c, secret}, err
	}},
	{"update public with a new secret", func(ctx context.Context, b Backend) (any, error) {
		c, err := b.ShowClient(ctx, "cli")
		if err != nil {
			return nil, err
		}
		c, secret, err := b.UpdateClient(ctx, "cli", c, true)
		return []any{c, secret}, err
	}},
	{"update unknown", func(ctx context.Context, b Backend) (any, error) {
		c, secret, err := b.UpdateClient(ctx, "nope", &store.Client{Name: "nope", GrantTypes: []string{"password"}}, false)
		return []any{c, secret}, err
	}},
	{"delete by name", func(ctx context.Context, b Backend) (any, error) { return nil, b.DeleteClient(ctx, "spa") }},
	{"delete again", func(ctx context.Context, b Backend) (any, error) { return nil, b.DeleteClient(ctx, "spa") }},
	{"add user", func(ctx context.Context, b Backend) (any, error) { return b.AddUser(ctx, "alice", "s3cret") }},
	{"add user twice", func(ctx context.Context, b Backend) (any, error) { return b.AddUser(ctx, "alice", "x") }},
	{"add user empty password", func(ctx context.Context, b Backend) (any, error) { return b.AddUser(ctx, "bob", "") }},
	{"add user bad name", func(ctx context.Context, b Backend) (any, error) { return b.AddUser(ctx, "b b", "x") }},
	{"add second user", func(ctx context.Context, b Backend) (any, error) { return b.AddUser(ctx, "carol", "pw") }},
	{"list users", func(ctx context.Context, b Backend) (any, error) { return b.ListUsers(ctx) }},
	{"passwd", func(ctx context.Context, b Backend) (any, error) { return nil, b.SetUserPassword(ctx, "alice", "n3w") }},
	{"passwd unknown", func(ctx context.Context, b Backend) (any, error) { return nil, b.SetUserPassword(ctx, "zed", "n3w") }},
	{"delete user", func(ctx context.Context, b Backend) (any, error) { return nil, b.DeleteUser(ctx, "carol") }},
	{"delete user again", func(ctx context.Context, b Backend) (any, error) { return nil, b.DeleteUser(ctx, "carol") }},
	{"list keys empty", func(ctx context.Context, b Backend) (any, error) { return b.ListKeys(ctx) }},
	{"rotate default", func(ctx context.Context, b Backend) (any, error) { return b.RotateKeys(ctx, "") }},
	{"rotate again", func(ctx context.Context, b Backend) (any, error) { return b.RotateKeys(ctx, "ES256") }},
	{"rotate EdDSA", func(ctx context.Context, b Backend) (any, error) { return b.RotateKeys(ctx, "EdDSA") }},
	{"rotate unknown", func(ctx context.Context, b Backend) (any, error) { return b.RotateKeys(ctx, "HS256") }},
	{"list keys", func(ctx context.Context, b Backend) (any, error) { return b.ListKeys(ctx) }},
}

// transcript runs the scenario on b and returns one line per step: the JSON
// result with kids and secrets masked, the error text, and its sentinel.
func transcript(t *testing.T, b Backend) []string {
	t.Helper()
	ctx := context.Background()
	kids := map[string]string{}
	kidRE := regexp.MustCompile(`"kid":"([^"]+)"`)
	var out []string
	for _, s := range scenario {
		res, err := s.call(ctx, b)
		raw, jerr := json.Marshal(res)
		if jerr != nil {
			t.Fatal(jerr)
		}
		line := string(raw)
		line = kidRE.ReplaceAllStringFunc(line, func(m string) string {
			k := kidRE.FindStringSubmatch(m)[1]
			if _, ok := kids[k]; !ok {
				kids[k] = fmt.Sprintf("kid#%d", len(kids))
			}
			return `"kid":"` + kids[k] + `"`
		})
		line = regexp.MustCompile(`"id":"[^"]+"`).ReplaceAllString(line, `"id":"<user id>"`)
		line = regexp.MustCompile(`"[A-Za-z0-9_-]{43}"`).ReplaceAllString(line, `"<secret>"`)
		sentinel := "none"
		for _, c := range errorCodes {
			if errors.Is(err, c.err) {
				sentinel = c.code
			}
		}
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		out = append(out, fmt.Sprintf("%s: %s | err=%q | is=%s", s.name, line, errText, sentinel))
	}
	return out
}

// TestLocalRemoteSame runs one scenario on a Local and, through a real socket,
// on a Remote: every result and error must be the same.
func TestLocalRemoteSame(t *testing.T) {
	local, _, _ := mustLocal(t)
	served, servedStore, path := mustLocal(t)
	mustServe(t, served, path)
	remote := &Remote{Path: SocketPath(path)}

	want := transcript(t, local)
	got := transcript(t, remote)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d differs:\nlocal:  %s\nremote: %s", i, want[i], got[i])
		}
	}
	all := strings.Join(want, "\n")
	for _, leak := range []string{"secret_hash", "password_hash", "$argon2id", "sha256:"} {
		if strings.Contains(all, leak) {
			t.Errorf("results leak %s:\n%s", leak, all)
		}
	}
	for _, must := range []string{
		`add confidential: [{"client_id":"web-id"`, `"<secret>"`,
		`add duplicate name: [null,""] | err="store: already exists: client name \"web\" is taken" | is=duplicate`,
		`is=invalid`, `show unknown: null | err="store: not found: no client with id or name \"nope\"" | is=not_found`,
		`"state":"active"`, `"state":"next"`,
		`update with a new secret: [{"client_id":"web-id","name":"web2"`, `"allowed_origins":["https://app.example"]`,
		`is=conflict`, `update to a taken name: [null,""] | err="store: already exists: client name \"cli\" is taken" | is=duplicate`,
		`update public with a new secret: [null,""] | err="store: invalid record: a public client has no secret" | is=invalid`,
		`update unknown: [null,""] | err="store: not found: no client with id or name \"nope\"" | is=not_found`,
	} {
		if !strings.Contains(all, must) {
			t.Errorf("transcript lacks %s:\n%s", must, all)
		}
	}
	// The remote writes really reached the served store.
	u, err := servedStore.UserByName("alice")
	if err != nil || !store.VerifyPassword(u.PasswordHash, "n3w") {
		t.Errorf("alice's new password not stored through the socket: %v", err)
	}
	c, err := servedStore.Client("web-id")
	if err != nil || c.SecretHash == nil || c.Name != "web2" || len(c.Scopes) != 2 {
		t.Errorf("web client not updated with a secret hash: %+v, %v", c, err)
	}
}
