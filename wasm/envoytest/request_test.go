//go:build !wasm

package envoytest

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

const now = conformance.Now

// TestDuplicatedAuthorization checks that the filter reads the whole header
// map: reading the authorization header alone returns only its first value,
// which would let a second one through unseen.
func TestDuplicatedAuthorization(t *testing.T) {
	f, _ := loaded(t, nil, now)
	good := "Bearer " + token(t, "ES256", claims(now, now+300))
	const badRequest = `Bearer realm="tollgate-test", error="invalid_request", error_description="malformed authorization header"`
	for _, tc := range []struct {
		name      string
		hdrs      [][2]string
		status    int
		challenge string
	}{
		{"one valid header", get("/api/items", good), 200, ""},
		{"the same header twice", get("/api/items", good, good), 400, badRequest},
		{"valid first, garbage second", get("/api/items", good, "Bearer x"), 400, badRequest},
		{"empty first, valid second", get("/api/items", "", good), 400, badRequest},
		{"valid and Basic", get("/api/items", good, "Basic dXNlcjpwYXNz"), 400, badRequest},
		// Envoy joins repeated inline headers with a comma.
		{"joined by Envoy", get("/api/items", good+","+good), 400, badRequest},
		{"names in mixed case", append(get("/api/items", good), [2]string{"Authorization", good}), 400, badRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := f.request(tc.hdrs)
			if o.status() != tc.status || o.challenge() != tc.challenge {
				t.Fatalf("got %d %q, want %d %q", o.status(), o.challenge(), tc.status, tc.challenge)
			}
		})
	}
}

// TestForgedHeaders checks that no incoming X-Auth-* header reaches the
// upstream, whatever its case, repetition or spelling with underscores, and
// that look-alike names are left alone.
func TestForgedHeaders(t *testing.T) {
	f, _ := loaded(t, nil, now)
	noSub := claims(now, now+300)
	delete(noSub, "sub")
	hdrs := append(get("/api/items", "Bearer "+token(t, "ES256", noSub)),
		[2]string{"x-auth-subject", "admin"},
		[2]string{"x-auth-subject", "root"},
		[2]string{"X-AUTH-SCOPE", "admin"},
		[2]string{"x_auth_client_id", "forged"},
		[2]string{"x-auth_role", "forged"},
		[2]string{"x-authz", "kept"},
		[2]string{"x-auth", "kept"},
		[2]string{"my-x-auth-subject", "kept"},
	)
	o := f.request(hdrs)
	if o.status() != 200 {
		t.Fatalf("status %d (%s), want 200", o.status(), o.challenge())
	}
	var auth [][2]string
	for _, h := range o.upstream {
		if n := strings.ReplaceAll(strings.ToLower(h[0]), "_", "-"); strings.HasPrefix(n, "x-auth-") {
			auth = append(auth, h)
		}
	}
	slices.SortFunc(auth, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	want := [][2]string{{"x-auth-client-id", "client-1"}, {"x-auth-scope", "read write"}, {"x-auth-subject", ""}}
	if !slices.Equal(auth, want) {
		t.Errorf("X-Auth headers upstream: %q, want %q", auth, want)
	}
	for _, name := range []string{"x-authz", "x-auth", "my-x-auth-subject"} {
		if got := headerValues(o.upstream, name); !slices.Equal(got, []string{"kept"}) {
			t.Errorf("%s upstream: %q, want [kept]", name, got)
		}
	}

	// A denied request is answered locally; nothing goes upstream.
	o = f.request(append(get("/api/items"), [2]string{"x-auth-subject", "admin"}))
	if o.status() != 401 || o.challenge() != `Bearer realm="tollgate-test"` {
		t.Errorf("no token: %d %q, want 401 with the realm only", o.status(), o.challenge())
	}
}

// TestDenials checks each kind of local reply: status and WWW-Authenticate,
// exactly as DESIGN.md's edge responses say, and nothing else forwarded.
func TestDenials(t *testing.T) {
	f, _ := loaded(t, nil, now)
	valid := "Bearer " + token(t, "ES256", claims(now, now+300))
	expired := "Bearer " + token(t, "ES256", claims(now-7200, now-3600))
	for _, tc := range []struct {
		name      string
		hdrs      [][2]string
		status    int
		challenge string
	}{
		{"no token", get("/api/items"), 401, `Bearer realm="tollgate-test"`},
		{"another scheme", get("/api/items", "Basic dXNlcjpwYXNz"), 401, `Bearer realm="tollgate-test"`},
		{"malformed header", get("/api/items", "Bearer a b"), 400,
			`Bearer realm="tollgate-test", error="invalid_request", error_description="malformed authorization header"`},
		{"expired", get("/api/items", expired), 401,
			`Bearer realm="tollgate-test", error="invalid_token", error_description="token expired"`},
		{"route scope", [][2]string{{":method", "POST"}, {":path", "/admin/users?x=1"}, {":authority", "api.example"}, {"authorization", valid}}, 403,
			`Bearer realm="tollgate-test", error="insufficient_scope", error_description="insufficient scope", scope="read admin"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := f.request(tc.hdrs)
			if o.status() != tc.status || o.challenge() != tc.challenge {
				t.Fatalf("got %d %q, want %d %q", o.status(), o.challenge(), tc.status, tc.challenge)
			}
			if len(o.local.Data) != 0 {
				t.Errorf("body %q, want none", o.local.Data)
			}
		})
	}
}

// TestHostileRequests sends requests no client should send, and random
// Authorization values: the filter answers each, never traps, never
// forwards, never answers 5xx.
func TestHostileRequests(t *testing.T) {
	f, _ := loaded(t, nil, now)
	valid := "Bearer " + token(t, "ES256", claims(now, now+300))
	hostile := []struct {
		name string
		hdrs [][2]string
	}{
		{"no pseudo-headers", [][2]string{{"authorization", "Bearer x.y.z"}}},
		{"empty path with routes", [][2]string{{":method", "POST"}, {":path", ""}, {"authorization", valid}}},
		{"NUL in the token", get("/", "Bearer a\x00b.c.d")},
		{"bytes over 0x7f", get("/", "Bearer \xff\xfe.\xc0\xaf.x")},
		{"megabyte header", get("/", "Bearer "+strings.Repeat("a.", 1<<19))},
		{"thousand X-Auth headers", func() [][2]string {
			h := get("/")
			for range 1000 {
				h = append(h, [2]string{"x-auth-subject", "x"})
			}
			return h
		}()},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		b := make([]byte, rng.IntN(300))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		prefix := []string{"", "Bearer ", "bearer  ", "Bearer eyJ"}[i%4]
		hostile = append(hostile, struct {
			name string
			hdrs [][2]string
		}{"random", get("/x", prefix+string(b))})
	}
	for _, tc := range hostile {
		o := f.request(tc.hdrs)
		if s := o.status(); s != 400 && s != 401 {
			t.Errorf("%s: status %d (%s), want 400 or 401", tc.name, s, o.challenge())
		}
	}
	// Still serving.
	if o := f.request(get("/api/items", valid)); o.status() != 200 {
		t.Fatalf("after the hostile requests: status %d (%s)", o.status(), o.challenge())
	}
}

// TestPluginStart checks that a configuration the filter cannot serve makes
// the plugin fail to start (Envoy then rejects the configuration) without a
// trap, and that one it can starts with the right fetches.
func TestPluginStart(t *testing.T) {
	bad := map[string][]byte{
		"empty":              nil,
		"not JSON":           []byte("issuer: x"),
		"unknown field":      policy(t, map[string]any{"jwks_cache": true}),
		"no keys at all":     policy(t, map[string]any{"jwks_url": nil}),
		"user info in url":   policy(t, map[string]any{"jwks_url": "https://u:p@issuer.example/jwks"}),
		"trailing garbage":   append(conformance.BasePolicy(), '}'),
		"duplicate issuer":   []byte(`{"issuer":"a","issuer":"b","audiences":["api"],"jwks_url":"https://i/j"}`),
		"fractional refresh": policy(t, map[string]any{"refresh_seconds": 0.5}),
		"bad cluster value":  policy(t, map[string]any{"jwks_cluster": 7}),
	}
	for name, conf := range bad {
		t.Run(name, func(t *testing.T) {
			f, status := startFilter(t, conf, stoppedClock(now))
			if status {
				t.Fatal("plugin started")
			}
			if len(f.host.GetCriticalLogs()) == 0 {
				t.Error("no critical log says why")
			}
		})
	}

	t.Run("policy with a trailing newline", func(t *testing.T) {
		newFilter(t, append(conformance.BasePolicy(), '\n'), stoppedClock(now))
	})
	t.Run("inline keys: no fetches, no ticks", func(t *testing.T) {
		f := newFilter(t, policy(t, map[string]any{"jwks_url": nil, "revocations_url": nil, "jwks": json.RawMessage(conformance.PublicJWKS())}), stoppedClock(now))
		if n := len(f.pending()); n != 0 || f.host.GetTickPeriod() != 0 {
			t.Errorf("%d fetches, tick period %d ms; want none", n, f.host.GetTickPeriod())
		}
		if o := f.request(get("/", "Bearer "+token(t, "EdDSA", claims(now, now+300)))); o.status() != 200 {
			t.Errorf("status %d (%s), want 200", o.status(), o.challenge())
		}
	})
}
