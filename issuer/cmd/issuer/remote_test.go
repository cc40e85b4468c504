package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
)

// serveAdmin opens db as a server would and serves its admin socket until
// the returned stop is called (or cleanup).
func serveAdmin(t *testing.T, db string) (st *store.DB, stop func()) {
	t.Helper()
	kek, err := store.LoadKEK(db, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(db, &store.Options{KEK: kek})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := admin.Listen(admin.SocketPath(db), &admin.Local{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			if err := srv.Close(); err != nil {
				t.Error(err)
			}
			if err := st.Close(); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return st, stop
}

// TestCommandsThroughSocket: while a server holds the database, the CLI
// works through the admin socket with the same output and exit statuses.
func TestCommandsThroughSocket(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "", "client", "add", "--db", db, "--name", "offline", "--grant", "password")
	st, stop := serveAdmin(t, db)

	out := mustRunIn(t, "", "client", "add", "--db", db, "--name", "online", "--grant", "client_credentials", "--json")
	if !strings.Contains(out, `"client_secret"`) {
		t.Errorf("client add through the socket printed %q", out)
	}
	if c, err := st.ClientByName("online"); err != nil || c.SecretHash == nil {
		t.Errorf("client added through the socket not in the served store: %v", err)
	}
	dup := runIn(t, "", "client", "add", "--db", db, "--name", "online", "--grant", "client_credentials")
	if dup.code != 2 || !strings.Contains(dup.stderr, `client name "online" is taken`) {
		t.Errorf("duplicate through the socket: %+v", dup)
	}
	unknown := runIn(t, "", "client", "show", "nope", "--db", db)
	if unknown.code != 1 || !strings.Contains(unknown.stderr, `no client with id or name "nope"`) {
		t.Errorf("unknown client through the socket: %+v", unknown)
	}
	mustRunIn(t, "pw\n", "user", "add", "--db", db, "--username", "erin", "--password-stdin")
	mustRunIn(t, "", "keys", "rotate", "--db", db, "--alg", "EdDSA")
	remoteList := mustRunIn(t, "", "client", "list", "--db", db, "--json")
	remoteKeys := mustRunIn(t, "", "keys", "list", "--db", db, "--json")

	stop()
	localList := mustRunIn(t, "", "client", "list", "--db", db, "--json")
	if remoteList != localList {
		t.Errorf("client list differs:\nthrough socket: %s\ndirect: %s", remoteList, localList)
	}
	localKeys := mustRunIn(t, "", "keys", "list", "--db", db, "--json")
	if remoteKeys != localKeys {
		t.Errorf("keys list differs:\nthrough socket: %s\ndirect: %s", remoteKeys, localKeys)
	}
	dupLocal := runIn(t, "", "client", "add", "--db", db, "--name", "online", "--grant", "client_credentials")
	if dupLocal != dup {
		t.Errorf("duplicate differs:\nthrough socket: %+v\ndirect: %+v", dup, dupLocal)
	}
}

// TestLockedWithoutServer: a database held by a process that serves no
// socket gives a clear error, not a hang.
func TestLockedWithoutServer(t *testing.T) {
	db := testDB(t)
	mustRunIn(t, "", "client", "add", "--db", db, "--name", "a", "--grant", "password")
	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	start := time.Now()
	r := runIn(t, "", "client", "list", "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "locked by another process") || !strings.Contains(r.stderr, "nothing answers on its admin socket") {
		t.Errorf("locked db: %+v", r)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestBinaryExitStatus runs the built binary (see TestMain) to check real
// exit statuses and streams.
func TestBinaryExitStatus(t *testing.T) {
	db := testDB(t)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"ok", []string{"client", "add", "--db", db, "--name", "bin", "--grant", "client_credentials", "--json"}, 0, ""},
		{"unknown grant", []string{"client", "add", "--db", db, "--name", "x", "--grant", "implicit"}, 2, `unknown grant type "implicit"`},
		{"duplicate", []string{"client", "add", "--db", db, "--name", "bin", "--grant", "client_credentials"}, 2, "is taken"},
		{"missing flag", []string{"client", "add", "--db", db}, 2, "--name is required"},
		{"unknown subcommand", []string{"keys", "frob"}, 2, `unknown subcommand "frob"`},
		{"not found", []string{"client", "delete", "nope", "--db", db}, 1, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(issuerBin, tt.args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", status, stderr.String(), tt.status, tt.stderr)
			}
		})
	}
}
