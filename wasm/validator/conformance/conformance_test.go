package conformance

import (
	"strings"
	"testing"
)

// TestNative runs the host table on the core.
func TestNative(t *testing.T) {
	cases := Cases()
	names := map[string]bool{}
	for i := range cases {
		c := &cases[i]
		if names[c.Name] {
			t.Fatalf("duplicate case name %q", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			r, err := Native(c)
			if err != nil {
				t.Fatalf("configure: %v", err)
			}
			if err := Check(c, r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCheck makes sure Check notices differences.
func TestCheck(t *testing.T) {
	c := &Case{Name: "x", Want: Want{Status: 403, Error: "insufficient_scope", Description: "insufficient scope", Scope: "read admin"}}
	good := Result{Status: 403, WWWAuthenticate: `Bearer realm="r", error="insufficient_scope", error_description="insufficient scope", scope="admin read"`}
	if err := Check(c, good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Result{
		{Status: 401, WWWAuthenticate: good.WWWAuthenticate},
		{Status: 403, WWWAuthenticate: `Bearer realm="r", error="invalid_token"`},
		{Status: 403, WWWAuthenticate: `Bearer realm="r", error="insufficient_scope", scope="read"`},
		{Status: 403, WWWAuthenticate: `Bearer error="insufficient_scope", scope="read admin"`},
		{Status: 403, WWWAuthenticate: `Basic realm="r"`},
		{Status: 403, WWWAuthenticate: `Bearer realm="r", error="insufficient_scope", error_description="other", scope="read admin"`},
	} {
		if err := Check(c, bad); err == nil {
			t.Errorf("Check accepted %+v", bad)
		}
	}
	ok := &Case{Name: "ok", Want: allow}
	if err := Check(ok, Result{Status: 200, Subject: "user-1", ClientID: "client-1", Scope: "read"}); err == nil || !strings.Contains(err.Error(), "scope") {
		t.Errorf("Check missed a scope difference: %v", err)
	}
}

func TestParseChallenge(t *testing.T) {
	p, ok := ParseChallenge(`Bearer realm="a \"b\"", error="invalid_token",error_description="x, y"`)
	if !ok || p["realm"] != `a "b"` || p["error"] != "invalid_token" || p["error_description"] != "x, y" {
		t.Fatalf("ParseChallenge = %q, %v", p, ok)
	}
	for _, bad := range []string{``, `Bearer realm=x`, `Bearer realm="x`, `Digest realm="x"`} {
		if _, ok := ParseChallenge(bad); ok {
			t.Errorf("ParseChallenge(%q) ok", bad)
		}
	}
}
