package edge

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMaxAgeClamp(t *testing.T) {
	f := &feed{minTTL: 30 * time.Second, maxTTL: 5 * time.Minute}
	tests := []struct {
		name         string
		cacheControl string
		want         time.Duration
	}{
		{"absent: the upper bound", "", 5 * time.Minute},
		{"within bounds", "public, max-age=120", 2 * time.Minute},
		{"below the floor", "max-age=1", 30 * time.Second},
		{"zero", "max-age=0", 30 * time.Second},
		{"above the ceiling", "max-age=86400", 5 * time.Minute},
		{"no-cache", "no-cache", 30 * time.Second},
		{"no-store wins", "max-age=200, no-store", 30 * time.Second},
		{"case and quotes", `Max-Age="90"`, 90 * time.Second},
		{"garbage value", "max-age=soon", 5 * time.Minute},
		{"negative", "max-age=-5", 5 * time.Minute},
		{"huge", "max-age=999999999999999999999", 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.ttl(tt.cacheControl); got != tt.want {
				t.Errorf("ttl(%q) = %v, want %v", tt.cacheControl, got, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	f := &feed{minTTL: 10 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := f.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := f.backoff(1000); got != 10*time.Second {
		t.Errorf("backoff(1000) = %v", got)
	}
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func authorize(t *testing.T, h *Host, token []byte, method, path string) *Decision {
	t.Helper()
	d := new(Decision)
	if err := h.Authorize(context.Background(), append([]byte("Bearer "), token...), []byte(method), []byte(path), d); err != nil {
		t.Fatal(err)
	}
	return d
}

func metricsText(t *testing.T, h *Host) string {
	t.Helper()
	var b bytes.Buffer
	if err := h.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestJWKSRefreshWithETag(t *testing.T) {
	k1, k2 := mustKey(t, "ES256", "k1"), mustKey(t, "ES256", "k2")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=0")
	h := newTestHost(t, Options{
		Policy:     policyDoc(t, map[string]any{"jwks_url": srv.URL}),
		MinRefresh: 50 * time.Millisecond, MaxRefresh: time.Hour,
	})
	if d := authorize(t, h, k1.sign(t, claims("alice", "read")), "GET", "/"); d.Verdict != Allow {
		t.Fatalf("k1 token: %v %q", d.Verdict, d.Description)
	}
	// max-age=0 is clamped up to 50 ms: a few revalidations a second, all 304.
	time.Sleep(400 * time.Millisecond)
	if n := srv.requests.Load(); n < 3 || n > 12 {
		t.Errorf("%d requests in 400 ms with a 50 ms floor", n)
	}
	if n := srv.full.Load(); n != 1 {
		t.Errorf("%d full answers, want 1 (the rest 304)", n)
	}
	// Rotation: the next refresh publishes k2 to every instance.
	srv.set(jwksOf(t, k1, k2))
	eventually(t, 2*time.Second, "k2 accepted", func() bool {
		return authorize(t, h, k2.sign(t, claims("bob", "read")), "GET", "/").Verdict == Allow
	})
	m := metricsText(t, h)
	for _, want := range []string{
		`tollgate_edge_fetches_total{feed="jwks",result="updated"} 2`,
		`tollgate_edge_fetch_failures_total{feed="jwks"} 0`,
		`tollgate_edge_fetch_stale{feed="jwks"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.Contains(m, `tollgate_edge_fetches_total{feed="jwks",result="not_modified"} `) ||
		strings.Contains(m, `tollgate_edge_fetches_total{feed="jwks",result="not_modified"} 0`) {
		t.Error("no not_modified fetches counted")
	}
}

func TestMaxAgeCeiling(t *testing.T) {
	k1 := mustKey(t, "ES256", "k1")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=86400")
	newTestHost(t, Options{
		Policy:     policyDoc(t, map[string]any{"jwks_url": srv.URL}),
		MinRefresh: 10 * time.Millisecond, MaxRefresh: 100 * time.Millisecond,
	})
	time.Sleep(550 * time.Millisecond)
	// A day of max-age is clamped to 100 ms: about five more requests.
	if n := srv.requests.Load(); n < 3 || n > 8 {
		t.Errorf("%d requests in 550 ms with a 100 ms ceiling", n)
	}
}

func TestUnknownKidRateLimit(t *testing.T) {
	k1, k2 := mustKey(t, "ES256", "k1"), mustKey(t, "ES256", "k2")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=3600")
	h := newTestHost(t, Options{
		Policy:     policyDoc(t, map[string]any{"jwks_url": srv.URL}),
		MinRefresh: time.Hour, // no scheduled refresh during the test
	})
	if n := srv.requests.Load(); n != 1 {
		t.Fatalf("%d fetches at start", n)
	}
	// The issuer rotates in k2; the first k2 token triggers a refetch and is
	// then accepted in the same call.
	srv.set(jwksOf(t, k1, k2))
	if d := authorize(t, h, k2.sign(t, claims("alice", "read")), "GET", "/"); d.Verdict != Allow {
		t.Fatalf("k2 token after rotation: %v %q", d.Verdict, d.Description)
	}
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("%d fetches after the unknown kid, want 2", n)
	}
	// Random kids within the next 30 s trigger nothing.
	for i := range 50 {
		stranger := mustKey(t, "ES256", fmt.Sprintf("random-%d", i))
		d := authorize(t, h, stranger.sign(t, claims("mallory", "read")), "GET", "/")
		if d.Verdict != InvalidToken || !d.UnknownKey {
			t.Fatalf("random kid: %v unknownKey=%v", d.Verdict, d.UnknownKey)
		}
	}
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("%d fetches after 50 random kids, want still 2", n)
	}
	m := metricsText(t, h)
	for _, want := range []string{
		`tollgate_edge_unknown_key_fetches_total{result="fetched"} 1`,
		`tollgate_edge_unknown_key_fetches_total{result="rate_limited"} 50`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestUnknownKidRateLimitConcurrent(t *testing.T) {
	k1 := mustKey(t, "ES256", "k1")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=3600")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks_url": srv.URL}), MinRefresh: time.Hour})
	stranger := mustKey(t, "ES256", "nope")
	tok := stranger.sign(t, claims("mallory", "read"))
	done := make(chan Verdict)
	for range 20 {
		go func() { done <- authorize(t, h, tok, "GET", "/").Verdict }()
	}
	for range 20 {
		if v := <-done; v != InvalidToken {
			t.Errorf("verdict %v", v)
		}
	}
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("%d fetches for 20 concurrent unknown kids, want 2 (start + one)", n)
	}
}

func TestIssuerDownKeepsLastGoodKeys(t *testing.T) {
	k1 := mustKey(t, "ES256", "k1")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=0")
	h := newTestHost(t, Options{
		Policy:     policyDoc(t, map[string]any{"jwks_url": srv.URL}),
		MinRefresh: 20 * time.Millisecond,
	})
	tok := k1.sign(t, claims("alice", "read"))
	srv.setDown(true)
	eventually(t, 2*time.Second, "a failed fetch", func() bool {
		return strings.Contains(metricsText(t, h), `tollgate_edge_fetch_stale{feed="jwks"} 1`)
	})
	// A fresh (uncached) token still validates with the last good keys.
	if d := authorize(t, h, tok, "GET", "/"); d.Verdict != Allow || d.Cached {
		t.Fatalf("with the issuer down: %v cached=%v", d.Verdict, d.Cached)
	}
	if !h.Ready() {
		t.Error("not ready with last good keys")
	}
	// Garbage from the issuer is a failure too, not a key wipe.
	srv.set([]byte(`{"keys": "nope"}`))
	srv.setDown(false)
	time.Sleep(100 * time.Millisecond)
	if d := authorize(t, h, k1.sign(t, claims("bob", "read")), "GET", "/"); d.Verdict != Allow {
		t.Fatalf("after a bad document: %v %q", d.Verdict, d.Description)
	}
	if m := metricsText(t, h); strings.Contains(m, `tollgate_edge_fetch_failures_total{feed="jwks"} 0`) {
		t.Error("failures not counted")
	}
	srv.set(jwksOf(t, k1))
	eventually(t, 2*time.Second, "recovery", func() bool {
		return strings.Contains(metricsText(t, h), `tollgate_edge_fetch_stale{feed="jwks"} 0`)
	})
}

func TestIssuerDownAtStart(t *testing.T) {
	k1 := mustKey(t, "ES256", "k1")
	srv := newDocServer(t, jwksOf(t, k1), "max-age=3600")
	srv.setDown(true)
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks_url": srv.URL}), MinRefresh: 50 * time.Millisecond})
	if h.Ready() {
		t.Error("ready without keys")
	}
	tok := k1.sign(t, claims("alice", "read"))
	if d := authorize(t, h, tok, "GET", "/"); d.Verdict != InvalidToken {
		t.Fatalf("no keys yet: %v, want invalid_token (deny by default)", d.Verdict)
	}
	srv.setDown(false)
	eventually(t, 3*time.Second, "keys after the issuer comes up", h.Ready)
	if d := authorize(t, h, tok, "GET", "/"); d.Verdict != Allow {
		t.Fatalf("after recovery: %v %q", d.Verdict, d.Description)
	}
}

func TestRevocationPolling(t *testing.T) {
	k1 := mustKey(t, "ES256", "k1")
	c := claims("alice", "read")
	jti, exp := c["jti"].(string), c["exp"].(int64)
	revs := newDocServer(t, []byte(`[]`), "max-age=0")
	h := newTestHost(t, Options{
		Policy: policyDoc(t, map[string]any{
			"jwks": rawJSON(jwksOf(t, k1)), "revocations_url": revs.URL,
		}),
		MinRefresh: 20 * time.Millisecond,
	})
	tok := k1.sign(t, c)
	for range 2 { // the second answer comes from every instance's cache
		if d := authorize(t, h, tok, "GET", "/"); d.Verdict != Allow {
			t.Fatalf("before revocation: %v", d.Verdict)
		}
	}
	revs.set([]byte(fmt.Sprintf(`[{"jti":%q,"exp":%d}]`, jti, exp)))
	eventually(t, 2*time.Second, "revocation", func() bool {
		return authorize(t, h, tok, "GET", "/").Verdict == InvalidToken
	})
	// Every instance has it, not just one.
	for range 4 * h.opts.PoolSize {
		if d := authorize(t, h, tok, "GET", "/"); d.Verdict != InvalidToken {
			t.Fatalf("an instance still allows the revoked token: %v", d.Verdict)
		}
	}
	if d := authorize(t, h, k1.sign(t, claims("bob", "read")), "GET", "/"); d.Verdict != Allow {
		t.Errorf("unrevoked token: %v", d.Verdict)
	}
}
