package edge

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestAuthorizeVerdicts(t *testing.T) {
	key := mustKey(t, "ES256", "k1")
	stranger := mustKey(t, "ES256", "k2")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})

	expired := claims("alice", "read")
	expired["iat"], expired["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()

	tests := []struct {
		name          string
		authorization string
		method, path  string
		want          Verdict
		wantChallenge string // WWW-Authenticate, with realm "https://issuer.test/o"
		wantSubject   string
	}{
		{
			name:          "valid token",
			authorization: "Bearer " + string(key.sign(t, claims("alice", "read write"))),
			method:        "GET", path: "/things",
			want: Allow, wantSubject: "alice",
		},
		{
			name:   "no Authorization header",
			method: "GET", path: "/things",
			want:          NoToken,
			wantChallenge: `Bearer realm="https://issuer.test/o"`,
		},
		{
			name:          "another scheme: no bearer token",
			authorization: "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
			method:        "GET", path: "/things",
			want:          NoToken,
			wantChallenge: `Bearer realm="https://issuer.test/o"`,
		},
		{
			name:          "Bearer without a token",
			authorization: "Bearer ",
			method:        "GET", path: "/things",
			want:          InvalidRequest,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="invalid_request", error_description="`,
		},
		{
			name:          "garbage token",
			authorization: "Bearer not.a.jwt",
			method:        "GET", path: "/things",
			want:          InvalidToken,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="invalid_token", error_description="`,
		},
		{
			name:          "expired token",
			authorization: "Bearer " + string(key.sign(t, expired)),
			method:        "GET", path: "/things",
			want:          InvalidToken,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="invalid_token", error_description="`,
		},
		{
			name:          "foreign key",
			authorization: "Bearer " + string(stranger.sign(t, claims("mallory", "read"))),
			method:        "GET", path: "/things",
			want:          InvalidToken,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="invalid_token", error_description="`,
		},
		{
			name:          "route needs admin",
			authorization: "Bearer " + string(key.sign(t, claims("bob", "read"))),
			method:        "POST", path: "/admin/users",
			want:          InsufficientScope,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="insufficient_scope", error_description="insufficient scope", scope="read admin"`,
		},
		{
			name:          "policy scope missing",
			authorization: "Bearer " + string(key.sign(t, claims("carol", "write"))),
			method:        "GET", path: "/things",
			want:          InsufficientScope,
			wantChallenge: `Bearer realm="https://issuer.test/o", error="insufficient_scope", error_description="insufficient scope", scope="read"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decision
			err := h.Authorize(context.Background(), []byte(tt.authorization), []byte(tt.method), []byte(tt.path), &d)
			if err != nil {
				t.Fatal(err)
			}
			if d.Verdict != tt.want {
				t.Fatalf("verdict = %v (%q), want %v", d.Verdict, d.Description, tt.want)
			}
			if tt.want == Allow {
				if string(d.Subject) != tt.wantSubject || string(d.ClientID) != "client-"+tt.wantSubject || string(d.Scope) != "read write" {
					t.Errorf("claims = %q %q %q", d.Subject, d.ClientID, d.Scope)
				}
				if d.Expiry < time.Now().Unix() {
					t.Errorf("expiry %d in the past", d.Expiry)
				}
				return
			}
			got := string(d.AppendChallenge(nil, h.Realm()))
			if !strings.HasPrefix(got, tt.wantChallenge) {
				t.Errorf("challenge = %s, want prefix %s", got, tt.wantChallenge)
			}
			if (tt.want == NoToken || tt.want == InsufficientScope) && got != tt.wantChallenge {
				t.Errorf("challenge = %s, want %s", got, tt.wantChallenge)
			}
			if strings.Contains(got, "eyJ") {
				t.Errorf("challenge echoes the token: %s", got)
			}
		})
	}
}

func TestCachedPath(t *testing.T) {
	key := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{PoolSize: 1, Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	auth := append([]byte("Bearer "), key.sign(t, claims("alice", "read"))...)
	method, path := []byte("GET"), []byte("/things")
	ctx := context.Background()

	var d Decision
	for i, wantCached := range []bool{false, true, true} {
		if err := h.Authorize(ctx, auth, method, path, &d); err != nil {
			t.Fatal(err)
		}
		if d.Verdict != Allow || d.Cached != wantCached {
			t.Fatalf("call %d: verdict %v cached %v, want allow cached %v", i, d.Verdict, d.Cached, wantCached)
		}
	}

	t.Run("guest allocates nothing", func(t *testing.T) {
		in, err := h.pool.get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer h.pool.put(in)
		before, err := in.allocs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range 1000 {
			if _, err := in.check(ctx, false, auth, method, path, time.Now().Unix(), &d); err != nil || !d.Cached {
				t.Fatalf("err %v cached %v", err, d.Cached)
			}
		}
		after, err := in.allocs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("1000 cached validations allocated %d guest objects, want 0", after-before)
		}
	})
	t.Run("host allocates nothing", func(t *testing.T) {
		n := testing.AllocsPerRun(1000, func() {
			if err := h.Authorize(ctx, auth, method, path, &d); err != nil || !d.Cached {
				t.Fatalf("err %v cached %v", err, d.Cached)
			}
		})
		if n != 0 {
			t.Errorf("cached Authorize allocates %v per call, want 0", n)
		}
	})
}

func TestRejectedPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy string
	}{
		{"unknown field", `{"issuer":"x","audiences":["a"],"jwks":{"keys":[]},"surprise":1}`},
		{"not JSON", `{`},
		{"no key source", `{"issuer":"x","audiences":["a"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), Options{Policy: []byte(tt.policy), Module: testModule, CompilationCache: testCache})
			if err == nil {
				t.Fatal("New accepted the policy")
			}
		})
	}
}

func TestNoModule(t *testing.T) {
	if _, err := EmbeddedModule(); err == nil {
		t.Skip("this build embeds validator.wasm")
	}
	key := mustKey(t, "ES256", "k1")
	_, err := New(context.Background(), Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	if err != ErrNoModule {
		t.Fatalf("err = %v, want ErrNoModule", err)
	}
}
