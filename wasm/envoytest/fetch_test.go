//go:build !wasm

package envoytest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/proxytest"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// call describes an expected DispatchHttpCall request.
type call struct {
	cluster, path, etag string
}

// expectCalls fails the test unless the pending requests are exactly want,
// in order, each a GET to issuer.example.
func expectCalls(t *testing.T, f *filter, want ...call) {
	t.Helper()
	got := f.pending()
	if len(got) != len(want) {
		t.Fatalf("%d fetches pending, want %d: %+v", len(got), len(want), got)
	}
	for i, c := range got {
		w := want[i]
		if c.Upstream != w.cluster || headerValue(c.Headers, ":path") != w.path ||
			headerValue(c.Headers, ":method") != "GET" || headerValue(c.Headers, ":authority") != "issuer.example" ||
			headerValue(c.Headers, "if-none-match") != w.etag {
			t.Errorf("fetch %d: cluster %q headers %q, want cluster %q GET issuer.example%s if-none-match %q",
				i, c.Upstream, c.Headers, w.cluster, w.path, w.etag)
		}
	}
}

// byPath answers fetches of the JWKS and the feed with the replies given.
func byPath(jwks, feed reply) func(proxytest.HttpCalloutAttribute) reply {
	return func(c proxytest.HttpCalloutAttribute) reply {
		if strings.HasSuffix(headerValue(c.Headers, ":path"), "/jwks.json") {
			return jwks
		}
		return feed
	}
}

func ok(body []byte, etag string) reply {
	r := reply{status: 200, body: body}
	if etag != "" {
		r.headers = [][2]string{{"etag", etag}}
	}
	return r
}

// expectStatus sends a GET with the token and checks the status and, for a
// denial, the error_description.
func expectStatus(t *testing.T, f *filter, tok string, status int, desc string) {
	t.Helper()
	o := f.request(get("/api/items", "Bearer "+tok))
	if o.status() != status || (desc != "" && !strings.Contains(o.challenge(), `error_description="`+desc+`"`)) {
		t.Fatalf("status %d (%s), want %d %s", o.status(), o.challenge(), status, desc)
	}
}

// TestFetch follows the documents' life: fetched at start through the
// policy's clusters, unknown keys denied until they arrive, refreshed every
// refresh_seconds with If-None-Match, revocations applied.
func TestFetch(t *testing.T) {
	clk := stoppedClock(now)
	f := newFilter(t, policy(t, map[string]any{
		"jwks_cluster": "issuer_jwks", "revocations_cluster": "issuer_feed", "refresh_seconds": 120,
	}), clk)
	tok := token(t, "ES256", claims(now, now+3600))

	expectCalls(t, f, call{"issuer_jwks", "/o/.well-known/jwks.json", ""}, call{"issuer_feed", "/o/revoked", ""})
	expectStatus(t, f, tok, 401, "unknown key")
	f.answer(byPath(ok(conformance.PublicJWKS(), `"v1"`), ok([]byte(`[]`), `"f1"`)))
	expectStatus(t, f, tok, 200, "")

	f.tick()
	clk.Advance(119 * time.Second)
	f.tick()
	expectCalls(t, f)

	clk.Advance(time.Second)
	f.tick()
	expectCalls(t, f, call{"issuer_jwks", "/o/.well-known/jwks.json", `"v1"`}, call{"issuer_feed", "/o/revoked", `"f1"`})
	f.answer(byPath(reply{status: 304}, ok([]byte(`[{"jti":"jti-1","exp":1767229200}]`), `"f2"`)))
	expectStatus(t, f, tok, 401, "token revoked")
	expectStatus(t, f, token(t, "EdDSA", map[string]any{
		"iss": conformance.Issuer, "aud": conformance.Audience, "scope": "read", "jti": "jti-2", "exp": now + 3600,
	}), 200, "")

	clk.Advance(120 * time.Second)
	f.tick()
	expectCalls(t, f, call{"issuer_jwks", "/o/.well-known/jwks.json", `"v1"`}, call{"issuer_feed", "/o/revoked", `"f2"`})
}

// TestFetchKeepsLastGood checks that a failed refresh (an error status, a
// document the core rejects, one over the size limit, an answer that never
// came) keeps the last good keys, is logged, and is retried with backoff.
func TestFetchKeepsLastGood(t *testing.T) {
	f, clk := loaded(t, policy(t, map[string]any{"revocations_url": nil, "refresh_seconds": 60}), now)
	tok := token(t, "ES256", claims(now, now+3600))
	expectStatus(t, f, tok, 200, "")

	clk.Advance(60 * time.Second)
	f.tick()
	for i, bad := range []reply{
		{status: 500},
		{status: 200, body: []byte(`{"keys":[{"kty":"RSA"}]}`)},
		{status: 200, body: []byte(`not json`)},
		{status: 200, body: bytes.Repeat([]byte(" "), 1<<20+1)},
		{status: 304}, // no If-None-Match was sent: not an answer to this request
	} {
		warned := len(f.host.GetWarnLogs())
		expectCalls(t, f, call{"tollgate_issuer", "/o/.well-known/jwks.json", ""})
		f.answer(func(proxytest.HttpCalloutAttribute) reply { return bad })
		expectStatus(t, f, tok, 200, "")
		if len(f.host.GetWarnLogs()) == warned {
			t.Errorf("failure %d not logged", i)
		}
		// Retry after 1 s, 2 s, 4 s, … (at most the refresh period).
		wait := min(time.Second<<i, 60*time.Second)
		clk.Advance(wait - time.Millisecond)
		f.tick()
		expectCalls(t, f)
		clk.Advance(time.Millisecond)
		f.tick()
	}
	f.answer(func(proxytest.HttpCalloutAttribute) reply { return ok(jwksOf(t, "eddsa"), "") })
	expectStatus(t, f, tok, 401, "unknown key")
}

// TestUnknownKeyBringsFetchForward checks that a token whose kid the JWKS
// lacks (the issuer rotated keys) brings the next JWKS fetch forward, but at
// most once per 30 s.
func TestUnknownKeyBringsFetchForward(t *testing.T) {
	clk := stoppedClock(now)
	f := newFilter(t, policy(t, map[string]any{"revocations_url": nil}), clk)
	f.answer(func(proxytest.HttpCalloutAttribute) reply { return ok(jwksOf(t, "es256"), "") })
	rotated := token(t, "EdDSA", claims(now, now+3600))

	for range 50 { // within 30 s of the last fetch: no fetch, however many
		expectStatus(t, f, rotated, 401, "unknown key")
		f.tick()
	}
	expectCalls(t, f)

	clk.Advance(30 * time.Second)
	f.tick()
	expectCalls(t, f) // no unknown kid since: the refresh period rules
	expectStatus(t, f, rotated, 401, "unknown key")
	expectStatus(t, f, rotated, 401, "unknown key")
	f.tick()
	expectCalls(t, f, call{"tollgate_issuer", "/o/.well-known/jwks.json", ""})
	f.answer(func(proxytest.HttpCalloutAttribute) reply { return ok(conformance.PublicJWKS(), "") })
	expectStatus(t, f, rotated, 200, "")
}

// TestFetchRetriesUntilLoaded checks that a JWKS not yet available is
// fetched again after 1 s, then 2 s, and that requests meanwhile are denied.
func TestFetchRetriesUntilLoaded(t *testing.T) {
	clk := stoppedClock(now)
	f := newFilter(t, policy(t, map[string]any{"revocations_url": nil}), clk)
	tok := token(t, "ES256", claims(now, now+3600))
	for _, wait := range []time.Duration{time.Second, 2 * time.Second} {
		f.answer(func(proxytest.HttpCalloutAttribute) reply { return reply{status: 503} })
		expectStatus(t, f, tok, 401, "unknown key")
		clk.Advance(wait)
		f.tick()
		expectCalls(t, f, call{"tollgate_issuer", "/o/.well-known/jwks.json", ""})
	}
	f.answer(func(proxytest.HttpCalloutAttribute) reply { return ok(conformance.PublicJWKS(), "") })
	expectStatus(t, f, tok, 200, "")
}
