package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/issuer/store"
)

// cliResult is one in-process run of the CLI.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runIn runs the issuer command line in-process.
func runIn(t testing.TB, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return cliResult{code, out.String(), errb.String()}
}

// mustRunIn runs the command line in-process and fails the test unless it exits 0.
func mustRunIn(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	r := runIn(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("issuer %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// testDB returns a database path in a fresh directory, with TOLLGATE_KEK unset.
func testDB(t *testing.T) string {
	t.Helper()
	t.Setenv(store.KEKEnv, "")
	return filepath.Join(t.TempDir(), "data", "issuer.db")
}

func TestMisuse(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "", "client", "add", "--db", db, "--name", "taken", "--grant", "client_credentials")
	missing := filepath.Join(t.TempDir(), "missing.db")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int    // want exit status
		stderr string // want substring of stderr
	}{
		{"no command", "", nil, 2, "no command given"},
		{"unknown command", "", []string{"frob"}, 2, `unknown command "frob"`},
		{"group without subcommand", "", []string{"client"}, 2, "client: missing subcommand (add, delete, list, show, update)"},
		{"unknown subcommand", "", []string{"client", "frob"}, 2, `client: unknown subcommand "frob"`},
		{"unknown keys subcommand", "", []string{"keys", "delete"}, 2, `keys: unknown subcommand "delete"`},
		{"missing db", "", []string{"client", "add", "--name", "a", "--grant", "password"}, 2, "client add: --db is required"},
		{"missing name", "", []string{"client", "add", "--db", db, "--grant", "password"}, 2, "client add: --name is required"},
		{"missing grant", "", []string{"client", "add", "--db", db, "--name", "a"}, 2, "client add: --grant is required"},
		{"unknown grant", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "client_credentials,implicit"}, 2, `unknown grant type "implicit"`},
		{"duplicate name", "", []string{"client", "add", "--db", db, "--name", "taken", "--grant", "client_credentials"}, 2, `client name "taken" is taken`},
		{"unknown flag", "", []string{"client", "add", "--db", db, "--frob"}, 2, "flag provided but not defined: -frob"},
		{"bad duration", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--token-ttl", "soon"}, 2, `invalid value "soon" for flag -token-ttl`},
		{"negative ttl", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--token-ttl", "-1h"}, 2, "--token-ttl must not be negative"},
		{"code without redirect", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "authorization_code"}, 2, "needs at least one redirect URI"},
		{"redirect with fragment", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "authorization_code", "--redirect-uri", "https://a.example/cb#f"}, 2, "has a fragment"},
		{"public client_credentials", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "client_credentials", "--public"}, 2, "needs a confidential client"},
		{"unknown client alg", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--alg", "HS256"}, 2, `signing algorithm "HS256"`},
		{"unknown response type", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--response-type", "code token"}, 2, `response type "code token"`},
		{"unknown id token alg", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--id-token-alg", "none"}, 2, `id token algorithm "none"`},
		{"unknown owner", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--owner", "nobody"}, 1, `no user with id or username "nobody"`},
		{"origin with a path", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--allowed-origin", "https://a.example/app"}, 2, `--allowed-origin: origin "https://a.example/app" has a path`},
		{"post-logout URI with fragment", "", []string{"client", "add", "--db", db, "--name", "a", "--grant", "password", "--post-logout-redirect-uri", "https://a.example/#f"}, 2, "has a fragment"},
		{"show without id", "", []string{"client", "show", "--db", db}, 2, "client show: missing client id or name"},
		{"show two ids", "", []string{"client", "show", "a", "b", "--db", db}, 2, `unexpected argument "b"`},
		{"list with argument", "", []string{"client", "list", "x", "--db", db}, 2, `unexpected argument "x"`},
		{"delete has no --json", "", []string{"client", "delete", "x", "--db", db, "--json"}, 2, "flag provided but not defined: -json"},
		{"user add without password-stdin", "", []string{"user", "add", "--db", db, "--username", "u"}, 2, "--password-stdin is required"},
		{"user add without username", "pw\n", []string{"user", "add", "--db", db, "--password-stdin"}, 2, "--username is required"},
		{"user add empty password", "\n", []string{"user", "add", "--db", db, "--username", "u", "--password-stdin"}, 2, "empty password"},
		{"user add bad username", "pw\n", []string{"user", "add", "--db", db, "--username", "a b", "--password-stdin"}, 2, "white space"},
		{"password as argument", "", []string{"user", "add", "--db", db, "--username", "u", "--password", "pw"}, 2, "flag provided but not defined: -password"},
		{"rotate unknown alg", "", []string{"keys", "rotate", "--db", db, "--alg", "HS256"}, 2, `unknown key algorithm "HS256"`},
		{"list missing database", "", []string{"client", "list", "--db", missing}, 1, "does not exist"},
		{"show unknown client", "", []string{"client", "show", "nope", "--db", db}, 1, `no client with id or name "nope"`},
		{"delete unknown user", "", []string{"user", "delete", "nope", "--db", db}, 1, `no user with id or username "nope"`},
		{"serve without db", "", []string{"serve"}, 2, "--db is required"},
		{"serve unknown flag", "", []string{"serve", "--db", db, "--port", "9"}, 2, "flag provided but not defined: -port"},
		{"serve rotation too frequent", "", []string{"serve", "--db", db, "--key-rotate-every", "5m"}, 2, "--key-rotate-every 5m0s: want 0 (off) or at least 1h0m0s"},
		{"serve bad trusted proxy", "", []string{"serve", "--db", db, "--trusted-proxy", "10.0.0.0/33"}, 2, `"10.0.0.0/33" is neither an IP address nor a CIDR prefix`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, tt.stdin, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			if !strings.HasPrefix(r.stderr, "issuer: ") && tt.args != nil {
				t.Errorf("stderr does not start with 'issuer: ': %q", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty on failure: %q", r.stdout)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a read-only command created %s", missing)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := runIn(t, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "usage: issuer <command>") || !strings.Contains(r.stdout, "client add --db PATH") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	r := runIn(t, "", "client", "add", "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "-redirect-uri") || !strings.Contains(r.stdout, "usage: issuer client add") {
		t.Errorf("client add -h: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runIn(t, "")
	if r.code != 2 || !strings.Contains(r.stderr, "usage: issuer <command>") {
		t.Errorf("no args: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestClientCommands(t *testing.T) {
	db := testDB(t)
	out := mustRunIn(t, "", "client", "add", "--db", db, "--name", "billing", "--grant", "client_credentials",
		"--scope", "read write", "--audience", "api", "--alg", "EdDSA", "--token-ttl", "30m", "--json")
	var added struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(out), &added); err != nil || len(added.ID) != 32 || len(added.Secret) != 43 {
		t.Fatalf("client add --json printed %q (%v)", out, err)
	}
	out = mustRunIn(t, "", "client", "add", "--db", db, "--name", "spa", "--public", "--grant", "authorization_code",
		"--grant", "refresh_token", "--redirect-uri", "http://127.0.0.1:5000/cb", "--redirect-uri", "https://spa.example/cb", "--skip-authorization")
	if !strings.HasPrefix(out, "client_id:") || strings.Contains(out, "client_secret") {
		t.Errorf("public client add printed %q", out)
	}

	mustRunIn(t, "alice-password\n", "user", "add", "--db", db, "--username", "alice", "--password-stdin")
	mustRunIn(t, "", "client", "add", "--db", db, "--name", "rp", "--owner", "alice", "--grant", "authorization_code",
		"--redirect-uri", "https://rp.example/cb", "--response-type", "code id_token", "--response-type", "id_token",
		"--allow-plain-pkce", "--id-token-alg", "ES256", "--post-logout-redirect-uri", "https://rp.example/bye",
		"--allowed-origin", "HTTPS://RP.example:443", "--allowed-origin", "http://127.0.0.1:3000")
	out = mustRunIn(t, "", "client", "show", "rp", "--db", db, "--json")
	var rp store.Client
	if err := json.Unmarshal([]byte(out), &rp); err != nil {
		t.Fatal(err)
	}
	if rp.OwnerUserID == "" || rp.OwnerUserID == "alice" || strings.Join(rp.ResponseTypes, ",") != "code id_token,id_token" ||
		!rp.AllowPlainPKCE || rp.IDTokenSignedResponseAlg != "ES256" || strings.Join(rp.PostLogoutRedirectURIs, ",") != "https://rp.example/bye" ||
		strings.Join(rp.AllowedOrigins, ",") != "https://rp.example,http://127.0.0.1:3000" {
		t.Errorf("client show rp --json = %s", out)
	}
	out = mustRunIn(t, "", "client", "show", "rp", "--db", db)
	for _, want := range []string{"response_types:", "code id_token, id_token", "allow_plain_pkce:", "id_token_alg:", "ES256", "https://rp.example/bye"} {
		if !strings.Contains(out, want) {
			t.Errorf("client show rp lacks %q:\n%s", want, out)
		}
	}
	// Offline update: only the flags given change.
	if out := mustRunIn(t, "", "client", "update", "rp", "--db", db, "--name", "rp2", "--allowed-origin", ""); !strings.HasPrefix(out, "updated client ") {
		t.Errorf("client update printed %q", out)
	}
	out = mustRunIn(t, "", "client", "show", "rp2", "--db", db, "--json")
	var rp2 store.Client
	if err := json.Unmarshal([]byte(out), &rp2); err != nil || rp2.ID != rp.ID || len(rp2.AllowedOrigins) != 0 ||
		rp2.IDTokenSignedResponseAlg != "ES256" || !rp2.Created.Equal(rp.Created) {
		t.Errorf("after update: %s", out)
	}
	mustRunIn(t, "", "client", "delete", "rp2", "--db", db)

	out = mustRunIn(t, "", "client", "show", added.ID, "--db", db, "--json")
	var c store.Client
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Name != "billing" || c.Type != store.Confidential || c.SigningAlg != "EdDSA" || c.AccessTokenTTL.Minutes() != 30 ||
		strings.Join(c.Scopes, " ") != "read write" || strings.Join(c.Audience, ",") != "api" || c.SecretHash != nil {
		t.Errorf("client show --json = %s", out)
	}
	out = mustRunIn(t, "", "client", "show", "--db", db, "spa")
	out = strings.Join(strings.Fields(out), " ") // columns are padded to the longest field name
	for _, want := range []string{"type:", "public", "authorization_code refresh_token", "http://127.0.0.1:5000/cb https://spa.example/cb", "skip_authorization: true"} {
		if !strings.Contains(out, want) {
			t.Errorf("client show spa lacks %q:\n%s", want, out)
		}
	}
	out = mustRunIn(t, "", "client", "list", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], added.ID) {
		t.Errorf("client list:\n%s", out)
	}
	mustRunIn(t, "", "client", "delete", "spa", "--db", db)
	out = mustRunIn(t, "", "client", "list", "--db", db, "--json")
	var list []store.Client
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].ID != added.ID {
		t.Errorf("client list --json after delete = %s", out)
	}

	// The secret printed once is the one the store verifies.
	kek, err := store.LoadKEK(db, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, &store.Options{KEK: kek})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	stored, err := st.Client(added.ID)
	if err != nil || !store.VerifySecret(stored.SecretHash, added.Secret) {
		t.Errorf("stored client does not verify the printed secret: %v", err)
	}
}

func TestFirstRunCreatesKEK(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "", "keys", "rotate", "--db", db)
	fi, err := os.Stat(store.KEKPath(db))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("KEK file: %v %v", fi, err)
	}
	if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("db file: %v %v", fi, err)
	}
	// Without the KEK, clients still work and key commands say what is missing.
	if err := os.Rename(store.KEKPath(db), store.KEKPath(db)+".bak"); err != nil {
		t.Fatal(err)
	}
	mustRunIn(t, "", "client", "list", "--db", db)
	r := runIn(t, "", "keys", "list", "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "no key-encryption key") || !strings.Contains(r.stderr, "TOLLGATE_KEK") {
		t.Errorf("keys list without KEK: exit %d, %q", r.code, r.stderr)
	}
	// A wrong KEK is refused.
	if err := os.WriteFile(store.KEKPath(db), []byte(strings.Repeat("A", 43)+"=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, "", "client", "list", "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "wrong or malformed key-encryption key") {
		t.Errorf("client list with a wrong KEK: exit %d, %q", r.code, r.stderr)
	}
}

func TestUserCommands(t *testing.T) {
	db := testDB(t)
	out := mustRunIn(t, "hunter2\n", "user", "add", "--db", db, "--username", "alice", "--password-stdin", "--json")
	var u store.User
	if err := json.Unmarshal([]byte(out), &u); err != nil || u.Username != "alice" || u.PasswordHash != "" {
		t.Fatalf("user add --json = %s (%v)", out, err)
	}
	if out := mustRunIn(t, "pw", "user", "add", "--db", db, "--username", "bob", "--password-stdin"); !strings.HasPrefix(out, "created user bob") {
		t.Errorf("user add printed %q", out)
	}
	if r := runIn(t, "x\n", "user", "add", "--db", db, "--username", "bob", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, `username "bob" is taken`) {
		t.Errorf("duplicate username: %+v", r)
	}
	mustRunIn(t, "n3w\r\n", "user", "passwd", "alice", "--db", db, "--password-stdin")
	out = mustRunIn(t, "", "user", "list", "--db", db)
	if !strings.Contains(out, "alice") || !strings.Contains(out, "bob") || strings.Contains(out, "argon2") {
		t.Errorf("user list:\n%s", out)
	}
	mustRunIn(t, "", "user", "delete", "bob", "--db", db)

	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	users, _ := st.Users()
	if len(users) != 1 || !store.VerifyPassword(users[0].PasswordHash, "n3w") {
		t.Errorf("stored users %+v: want alice with password n3w (CRLF stripped)", users)
	}
}

func TestKeysCommands(t *testing.T) {
	db := testDB(t)
	out := mustRunIn(t, "", "keys", "rotate", "--db", db, "--json")
	var first struct{ Kid, Alg, State string }
	if err := json.Unmarshal([]byte(out), &first); err != nil || first.Alg != "ES256" || first.State != "active" {
		t.Fatalf("first rotate = %s", out)
	}
	out = mustRunIn(t, "", "keys", "rotate", "--db", db, "--alg", "ES256")
	if !strings.Contains(out, "ES256") || !strings.Contains(out, ": next, signs from") {
		t.Errorf("second rotate printed %q", out)
	}
	mustRunIn(t, "", "keys", "rotate", "--db", db, "--alg", "EdDSA")
	out = mustRunIn(t, "", "keys", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], first.Kid) || !strings.Contains(lines[1], "active") ||
		!strings.Contains(lines[2], "next") || !strings.Contains(lines[3], "EdDSA") {
		t.Errorf("keys list:\n%s", out)
	}
}

// failWriter fails every write, like a closed pipe.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestOutputErrorFails: output that cannot be written is a failure, not a
// silent success.
func TestOutputErrorFails(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "", "client", "add", "--db", db, "--name", "a", "--grant", "password")
	for _, args := range [][]string{
		{"client", "list", "--db", db},
		{"client", "list", "--db", db, "--json"},
		{"client", "add", "--db", db, "--name", "b", "--grant", "password"},
	} {
		var stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), failWriter{}, &stderr); code != 1 || !strings.Contains(stderr.String(), "broken pipe") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and the write error", args, code, stderr.String())
		}
	}
}
