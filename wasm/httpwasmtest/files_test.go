package httpwasmtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// jwksWithout returns the tables' public JWKS without the key kid.
func jwksWithout(t testing.TB, kid string) []byte {
	t.Helper()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(conformance.PublicJWKS(), &set); err != nil {
		t.Fatal(err)
	}
	kept := set.Keys[:0]
	for _, k := range set.Keys {
		if k["kid"] != kid {
			kept = append(kept, k)
		}
	}
	set.Keys = kept
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFiles checks the key and revocation files: read at start, reread
// after refresh_seconds when they change, and kept when a new version is
// broken or gone. An instance keeps what it has; a new instance starts from
// the files as they are, so steps whose answer differs between the two
// (samePool) are checked only when the pool keeps its instance, i.e. not
// under the race detector.
func TestFiles(t *testing.T) {
	const refresh = 30
	clk := newClock(conformance.Now)
	policy := conformance.BasePolicy() // keys only from jwks_url: here, the file
	var m map[string]any
	if err := json.Unmarshal(policy, &m); err != nil {
		t.Fatal(err)
	}
	m["refresh_seconds"] = refresh
	policy, _ = json.Marshal(m)

	mc, dir := withFiles(t, moduleConfig(clk), jwksWithout(t, "es256"), []byte(`[]`))
	log := &logger{}
	mw := mustMiddleware(t, policy, mc, log)
	tok := token(t, conformance.Now, "jti-1", "read")
	write := func(name string, body []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name     string
		change   func()
		advance  int64 // seconds the clock moves before the request
		want     int
		wantDesc string // in WWW-Authenticate
		wantLog  string
		samePool bool // the answer assumes the instance of the previous step
	}{
		{"key absent from the file", nil, 0, 401, "unknown key", "keys loaded from /etc/tollgate/jwks.json", false},
		{"file rotated, not yet reread", func() { write("jwks.json", conformance.PublicJWKS()) }, refresh - 1, 401, "unknown key", "", true},
		{"reread after refresh_seconds", nil, 1, 200, "", "", false},
		{"broken version keeps the keys", func() { write("jwks.json", []byte(`{"keys":`)) }, refresh, 200, "", "keeping the previous keys", true},
		{"jti revoked", func() {
			write("jwks.json", conformance.PublicJWKS())
			write("revoked.json", []byte(`[{"jti":"jti-1","exp":`+itoa64(conformance.Now+3600)+`}]`))
		}, refresh, 401, "token revoked", "", false},
		{"file removed keeps the revocations", func() { _ = os.Remove(filepath.Join(dir, "revoked.json")) }, refresh, 401, "token revoked", "keeping the previous revocations", true},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		clk.now.Add(s.advance)
		got := conformance.ServeHTTP(handlerOf(mw), get("/api/items", tok))
		if s.samePool && raceEnabled {
			continue
		}
		if got.Status != s.want || !strings.Contains(got.WWWAuthenticate, s.wantDesc) {
			t.Fatalf("%s: status %d, WWW-Authenticate %q; want %d %q", s.name, got.Status, got.WWWAuthenticate, s.want, s.wantDesc)
		}
		if s.wantLog != "" && !log.contains(s.wantLog) {
			t.Fatalf("%s: log lacks %q:\n%v", s.name, s.wantLog, log)
		}
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
