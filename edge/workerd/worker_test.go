package workerd

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// token signs an access token for the conformance keys: alg with kid, the
// tables' issuer and audience, scope "read write", valid at conformance.Now;
// mod changes the claims.
func token(t testing.TB, alg, kid string, mod func(map[string]any)) string {
	t.Helper()
	claims := map[string]any{
		"iss": conformance.Issuer, "aud": conformance.Audience, "sub": "user-1", "client_id": "client-1",
		"scope": "read write", "iat": conformance.Now, "exp": conformance.Now + 600, "jti": "jti-" + kid,
	}
	if mod != nil {
		mod(claims)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	header := fmt.Sprintf(`{"alg":%q,"kid":%q,"typ":"at+jwt"}`, alg, kid)
	return conformance.Sign(alg, []byte(header), payload)
}

// jwksWith returns the conformance JWKS restricted to kids.
func jwksWith(t testing.TB, kids ...string) []byte {
	t.Helper()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(conformance.PublicJWKS(), &set); err != nil {
		t.Fatal(err)
	}
	var keep []map[string]any
	for _, k := range set.Keys {
		for _, kid := range kids {
			if k["kid"] == kid {
				keep = append(keep, k)
			}
		}
	}
	set.Keys = keep
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// at is the test clock header for conformance.Now.
var at = [2]string{nowHeader, strconv.FormatInt(conformance.Now, 10)}

func bearer(tok string) [2]string { return [2]string{"Authorization", "Bearer " + tok} }

// inlinePolicy is the base policy with the public keys inline and no URLs.
func inlinePolicy(t testing.TB) []byte {
	return rewritePolicy(t, conformance.BasePolicy(), map[string]any{
		"jwks": json.RawMessage(conformance.PublicJWKS()), "jwks_url": nil, "revocations_url": nil,
	})
}

// TestForward checks what an allowed request looks like at the upstream:
// method, target (query included) and body unchanged, the claims in
// X-Auth-*, every incoming X-Auth-* header gone, other headers kept.
func TestForward(t *testing.T) {
	up := newUpstream(t)
	w := startWorker(t, Options{Policy: inlinePolicy(t), Upstream: up.URL})
	tok := token(t, "ES256", "es256", nil)

	r := w.request(t, "PUT", "/api/items?x=1&y=%2F", at, bearer(tok),
		[2]string{"x-auth-subject", "forged"}, [2]string{"X-AUTH-ROLE", "admin"}, [2]string{"X-Keep", "yes"})
	if r.status != 200 || r.seen == nil {
		t.Fatalf("status %d, body %q", r.status, r.body)
	}
	s := r.seen
	if s.Method != "PUT" || s.Target != "/api/items?x=1&y=%2F" {
		t.Errorf("upstream got %s %s", s.Method, s.Target)
	}
	for name, want := range map[string]string{
		"X-Auth-Subject": "user-1", "X-Auth-Client-Id": "client-1", "X-Auth-Scope": "read write",
		"X-Auth-Role": "", "X-Keep": "yes", "Authorization": "Bearer " + tok,
	} {
		if got := s.Header.Values(name); (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			t.Errorf("upstream header %s = %q, want %q", name, got, want)
		}
	}

	// A Host header holding a path must not shift the path the routes see
	// away from the one forwarded: POST /admin/x needs "admin".
	r = w.request(t, "POST", "/admin/x", at, bearer(tok), [2]string{"Host", "edge.test/public"})
	if r.status != 403 {
		t.Errorf("POST /admin/x with Host edge.test/public: status %d, want 403", r.status)
	}
}

// TestDuplicatedAuthorization checks the cases the Fetch API hides: workerd
// joins repeated headers with ", ", and any Bearer among them is a
// malformed request. An empty repeated header is dropped before the worker
// sees it, so that one request is answered as if it had a single header
// (the Go host answers 400): a documented limit of the platform.
func TestDuplicatedAuthorization(t *testing.T) {
	up := newUpstream(t)
	w := startWorker(t, Options{Policy: inlinePolicy(t), Upstream: up.URL})
	tok := token(t, "ES256", "es256", nil)
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"Basic then Bearer", []string{"Basic dXNlcjpwYXNz", "Bearer " + tok}, 400},
		{"empty then Bearer: invisible to a Worker", []string{"", "Bearer " + tok}, 200},
		{"Bearer twice", []string{"Bearer " + tok, "Bearer " + tok}, 400},
		{"one Bearer with a comma", []string{"Bearer " + tok + ","}, 400},
		{"Basic twice carries no bearer token", []string{"Basic a", "Basic b"}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := [][2]string{at}
			for _, h := range tc.headers {
				hs = append(hs, [2]string{"Authorization", h})
			}
			r := w.request(t, "GET", "/api/items", hs...)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("status %d, want 200", r.status)
				}
				return
			}
			if r.status != tc.status || r.seen != nil {
				t.Fatalf("status %d (upstream reached: %t), want %d", r.status, r.seen != nil, tc.status)
			}
			want := `Bearer realm="tollgate-test", error="invalid_request", error_description="malformed authorization header"`
			if tc.status == 401 {
				want = `Bearer realm="tollgate-test"`
			}
			if got := r.header.Get("WWW-Authenticate"); got != want {
				t.Errorf("WWW-Authenticate = %q, want %q", got, want)
			}
		})
	}
}

// TestUnknownKidRefetch checks the JWKS refetch for a token whose kid is
// not among the keys: at once the first time, then at most once per 30 s.
func TestUnknownKidRefetch(t *testing.T) {
	up, docs := newUpstream(t), newDocServer(t)
	const path = "/o/.well-known/jwks.json"
	policy := rewritePolicy(t, conformance.BasePolicy(), map[string]any{
		"jwks_url": docs.set(path, jwksWith(t, "eddsa")), "revocations_url": nil,
	})
	w := startWorker(t, Options{Policy: policy, Upstream: up.URL})

	if r := w.request(t, "GET", "/api/items", at, bearer(token(t, "EdDSA", "eddsa", nil))); r.status != 200 {
		t.Fatalf("EdDSA token: status %d", r.status)
	}
	if n := docs.count(path); n != 1 {
		t.Fatalf("%d JWKS fetches for the first request, want 1", n)
	}
	// The issuer rotates in an ES256 key: the first token with its kid
	// makes the worker refetch, and it is accepted.
	docs.set(path, jwksWith(t, "eddsa", "es256"))
	if r := w.request(t, "GET", "/api/items", at, bearer(token(t, "ES256", "es256", nil))); r.status != 200 {
		t.Fatalf("ES256 token after rotation: status %d, %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if n := docs.count(path); n != 2 {
		t.Fatalf("%d JWKS fetches after an unknown kid, want 2", n)
	}
	// Within 30 s, more unknown kids do not reach the issuer.
	docs.set(path, jwksWith(t, "eddsa", "es256", "rs256"))
	for range 3 {
		r := w.request(t, "GET", "/api/items", at, bearer(token(t, "RS256", "rs256", nil)))
		if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error_description="unknown key"`) {
			t.Fatalf("RS256 token within 30 s: status %d, %q", r.status, r.header.Get("WWW-Authenticate"))
		}
	}
	if n := docs.count(path); n != 2 {
		t.Errorf("%d JWKS fetches, want 2: unknown kids must not refetch more than once per 30 s", n)
	}
}

// TestFeedRefresh checks that both documents are refetched once
// refresh_seconds have passed (conditionally: the ETag is sent) and that a
// new revocation takes effect.
func TestFeedRefresh(t *testing.T) {
	up, docs := newUpstream(t), newDocServer(t)
	const keysPath, revPath = "/o/jwks.json", "/o/revoked"
	policy := rewritePolicy(t, conformance.BasePolicy(), map[string]any{
		"jwks_url":        docs.set(keysPath, conformance.PublicJWKS()),
		"revocations_url": docs.set(revPath, []byte(`[]`)),
		"refresh_seconds": 1,
	})
	w := startWorker(t, Options{Policy: policy, Upstream: up.URL})
	tok := token(t, "ES256", "es256", func(m map[string]any) { m["jti"] = "revoke-me" })
	if r := w.request(t, "GET", "/api/items", at, bearer(tok)); r.status != 200 {
		t.Fatalf("before revocation: status %d", r.status)
	}
	docs.set(revPath, []byte(fmt.Sprintf(`[{"jti":"revoke-me","exp":%d}]`, conformance.Now+600)))
	deadline := time.Now().Add(10 * time.Second)
	for {
		time.Sleep(300 * time.Millisecond)
		r := w.request(t, "GET", "/api/items", at, bearer(tok))
		if r.status == 401 && strings.Contains(r.header.Get("WWW-Authenticate"), "token revoked") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("revocation not picked up in 10 s (last status %d, %d feed fetches)", r.status, docs.count(revPath))
		}
	}
	// The JWKS is refreshed on its own schedule, by requests as they come:
	// keep asking until it has been fetched again.
	for docs.count(keysPath) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d JWKS fetches in 10 s, want the first and at least one refresh", docs.count(keysPath))
		}
		time.Sleep(300 * time.Millisecond)
		w.request(t, "GET", "/api/items", at, bearer(tok))
	}
}

// TestColdStartConcurrent sends concurrent first requests while the JWKS
// is slow to arrive: none may be denied for want of keys (a fetch belongs
// to one request in workerd, so each waits for its own).
func TestColdStartConcurrent(t *testing.T) {
	up, docs := newUpstream(t), newDocServer(t)
	docs.delay = 300 * time.Millisecond
	policy := rewritePolicy(t, conformance.BasePolicy(), map[string]any{
		"jwks_url": docs.set("/jwks.json", conformance.PublicJWKS()), "revocations_url": nil,
	})
	w := startWorker(t, Options{Policy: policy, Upstream: up.URL})
	tok := token(t, "ES256", "es256", nil)
	statuses := make(chan int, 6)
	for range cap(statuses) {
		go func() {
			r, err := w.tryRequest("GET", "/api/items", at, bearer(tok))
			if err != nil {
				t.Error(err)
			}
			statuses <- r.status
		}()
	}
	for range cap(statuses) {
		if s := <-statuses; s != 200 {
			t.Errorf("status %d, want 200", s)
		}
	}
}

// TestIssuerDown checks that a worker whose issuer never answers denies
// with 401 unknown key, not with a 5xx.
func TestIssuerDown(t *testing.T) {
	up, docs := newUpstream(t), newDocServer(t)
	policy := rewritePolicy(t, conformance.BasePolicy(), map[string]any{
		"jwks_url": docs.URL + "/missing.json", "revocations_url": "http://127.0.0.1:1/revoked",
	})
	w := startWorker(t, Options{Policy: policy, Upstream: up.URL})
	for range 2 {
		r := w.request(t, "GET", "/api/items", at, bearer(token(t, "ES256", "es256", nil)))
		if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "unknown key") {
			t.Fatalf("status %d, %q", r.status, r.header.Get("WWW-Authenticate"))
		}
	}
}

// TestDeadInstanceReplaced runs a guest that panics on demand: the request
// that kills the instance gets 503, and the next one is served by a new
// instance.
func TestDeadInstanceReplaced(t *testing.T) {
	requireWorkerd(t)
	mod, err := buildModule(t.TempDir(), "./testdata/panicguest", "")
	if err != nil {
		t.Fatal(err)
	}
	up := newUpstream(t)
	w := startWorker(t, Options{Policy: inlinePolicy(t), Upstream: up.URL, Module: mod})
	instance := func() string {
		r := w.request(t, "GET", "/", [2]string{"Authorization", "Bearer ok"})
		if r.status != 200 || r.seen == nil {
			t.Fatalf("status %d, %q", r.status, r.body)
		}
		return r.seen.Header.Get("X-Auth-Subject")
	}
	first := instance()
	if again := instance(); again != first {
		t.Fatalf("instance changed without a failure: %s, then %s", first, again)
	}
	if r := w.request(t, "GET", "/", [2]string{"Authorization", "Bearer panic"}); r.status != 503 {
		t.Fatalf("the request that killed the instance: status %d, want 503", r.status)
	}
	if next := instance(); next == first {
		t.Fatalf("still instance %s after it died", first)
	}
	if out := w.out.String(); !strings.Contains(out, "panicguest: asked to panic") || !strings.Contains(out, "instance 2 ready") {
		t.Errorf("workerd output lacks the panic or the second instance:\n%s", out)
	}
}

// TestBadUpstreamAnswer502 checks that an unreachable origin is a 502.
func TestBadUpstreamAnswer502(t *testing.T) {
	w := startWorker(t, Options{Policy: inlinePolicy(t), Upstream: "http://127.0.0.1:1"})
	if r := w.request(t, "GET", "/api/items", at, bearer(token(t, "ES256", "es256", nil))); r.status != 502 {
		t.Fatalf("status %d, want 502", r.status)
	}
}
