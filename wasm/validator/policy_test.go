package validator

import (
	"errors"
	"strings"
	"testing"
)

const minimalPolicy = `{"issuer":"https://i.example","audiences":["api"],"jwks_url":"https://i.example/jwks"}`

func TestParsePolicyDefaults(t *testing.T) {
	p, err := ParsePolicy([]byte(minimalPolicy))
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{
		Issuer: "https://i.example", Audiences: []string{"api"}, JWKSURL: "https://i.example/jwks",
		Algorithms:    []string{"ES256", "EdDSA", "RS256", "PS256"},
		LeewaySeconds: 60, MaxTokenBytes: 8192, RefreshSeconds: 300,
		CacheEntries: 1024, CacheBytes: 1 << 20, Realm: "tollgate",
	}
	if strings.Join(p.Algorithms, ",") != strings.Join(want.Algorithms, ",") || p.LeewaySeconds != want.LeewaySeconds ||
		p.MaxTokenBytes != want.MaxTokenBytes || p.RefreshSeconds != want.RefreshSeconds || p.CacheEntries != want.CacheEntries ||
		p.CacheBytes != want.CacheBytes || p.Realm != want.Realm || p.Issuer != want.Issuer || p.JWKSURL != want.JWKSURL {
		t.Fatalf("ParsePolicy = %+v, want %+v", *p, want)
	}
}

func TestParsePolicyDesignExample(t *testing.T) {
	// The document of DESIGN.md, "Policy document".
	doc := `{
	  "issuer": "http://127.0.0.1:9000/o",
	  "audiences": ["api"],
	  "scopes": ["read"],
	  "algorithms": ["ES256", "EdDSA", "RS256", "PS256"],
	  "leeway_seconds": 60,
	  "max_token_bytes": 8192,
	  "jwks": {"keys": []},
	  "jwks_url": "http://127.0.0.1:9000/o/.well-known/jwks.json",
	  "revocations_url": "http://127.0.0.1:9000/o/revoked",
	  "refresh_seconds": 300,
	  "routes": [{"method": "POST", "path": "/admin/*", "scopes": ["admin"]}]
	}`
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Routes) != 1 || p.Routes[0].Path != "/admin/*" || p.Routes[0].Scopes[0] != "admin" || string(p.JWKS) != `{"keys": []}` {
		t.Fatalf("parsed %+v", p)
	}
	if _, err := New(p); err != nil {
		t.Fatal(err)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name, doc, field string // field: the policy field the error names
	}{
		{"not an object", `[]`, ""},
		{"not JSON", `{`, ""},
		{"unknown field", `{"issuer":"x","audience":"api"}`, "audience"},
		{"duplicate field", `{"issuer":"x","issuer":"y","audiences":["a"],"jwks_url":"http://x"}`, ""},
		{"missing issuer", `{"audiences":["api"],"jwks_url":"http://x"}`, "issuer"},
		{"missing audiences", `{"issuer":"x","jwks_url":"http://x"}`, "audiences"},
		{"empty audience", `{"issuer":"x","audiences":[""],"jwks_url":"http://x"}`, "audiences"},
		{"audiences not array", `{"issuer":"x","audiences":"api","jwks_url":"http://x"}`, "audiences"},
		{"no key source", `{"issuer":"x","audiences":["a"]}`, "jwks"},
		{"alg none", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","algorithms":["none"]}`, "algorithms"},
		{"alg unknown", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","algorithms":["RS512"]}`, "algorithms"},
		{"leeway negative", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","leeway_seconds":-1}`, "leeway_seconds"},
		{"leeway huge", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","leeway_seconds":3600}`, "leeway_seconds"},
		{"leeway fractional", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","leeway_seconds":1.5}`, "leeway_seconds"},
		{"leeway string", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","leeway_seconds":"60"}`, "leeway_seconds"},
		{"max bytes tiny", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","max_token_bytes":10}`, "max_token_bytes"},
		{"jwks not object", `{"issuer":"x","audiences":["a"],"jwks":"{}"}`, "jwks"},
		{"jwks_url scheme", `{"issuer":"x","audiences":["a"],"jwks_url":"file:///etc/passwd"}`, "jwks_url"},
		{"bad scope", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","scopes":["a b"]}`, "scopes"},
		{"route without slash", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","routes":[{"path":"admin"}]}`, "routes"},
		{"route inner star", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","routes":[{"path":"/a*/b"}]}`, "routes"},
		{"route unknown field", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","routes":[{"path":"/a","scope":["x"]}]}`, "routes"},
		{"route bad method", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","routes":[{"method":"GET POST","path":"/a"}]}`, "routes"},
		{"realm with quote", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","realm":"a\"b"}`, "realm"},
		{"cache entries negative", `{"issuer":"x","audiences":["a"],"jwks_url":"http://x","cache_entries":-5}`, "cache_entries"},
		{"trailing data", minimalPolicy + `x`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tt.doc))
			if !errors.Is(err, ErrPolicy) {
				t.Fatalf("err = %v, want ErrPolicy", err)
			}
			if tt.field != "" && !strings.Contains(err.Error(), `"`+tt.field+`"`) {
				t.Fatalf("err = %v, want it to name %q", err, tt.field)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	base := func() *Policy {
		p, err := ParsePolicy([]byte(minimalPolicy))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := base()
	p.Algorithms = append(p.Algorithms, "HS256")
	if _, err := New(p); !errors.Is(err, ErrPolicy) {
		t.Errorf("HS256 without an oct key: %v", err)
	}
	p = base()
	p.JWKS = []byte(`{"keys":[{"kty":"oct","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}`)
	if _, err := New(p); !errors.Is(err, ErrPolicy) {
		t.Errorf("oct key without HS256: %v", err)
	}
	p.Algorithms = []string{"HS256"}
	if _, err := New(p); err != nil {
		t.Errorf("oct key with HS256: %v", err)
	}
	p = base()
	p.JWKS = []byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`)
	if _, err := New(p); !errors.Is(err, ErrPolicy) {
		t.Errorf("weak inline key: %v", err)
	}
	// A Go-built policy gets defaults for zero values.
	v, err := New(&Policy{Issuer: "i", Audiences: []string{"a"}, JWKSURL: "https://i/jwks"})
	if err != nil || v.maxBytes != DefaultMaxTokenBytes || !v.allowed.has(algES256) || v.allowed.has(algHS256) || len(v.cache.entries) != DefaultCacheEntries {
		t.Errorf("zero-value defaults: %v %+v", err, v)
	}
	// JSON "cache_entries": 0 disables the cache.
	q, err := ParsePolicy([]byte(strings.Replace(minimalPolicy, `{`, `{"cache_entries":0,`, 1)))
	if err != nil || q.CacheEntries != -1 {
		t.Fatalf("cache_entries 0: %v %d", err, q.CacheEntries)
	}
	if v, _ := New(q); len(v.cache.entries) != 0 {
		t.Error("cache not disabled")
	}
}

func TestPolicyNotRetained(t *testing.T) {
	p, _ := ParsePolicy([]byte(`{"issuer":"i","audiences":["a"],"jwks_url":"https://i","scopes":["read"]}`))
	v, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Audiences[0], p.Scopes[0] = "changed", "changed"
	if v.audiences[0] != "a" || v.scopes[0] != "read" {
		t.Fatal("New retained the caller's slices")
	}
}
