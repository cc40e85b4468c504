package workerd

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestConformance runs the shared host table (conformance.RunHTTP) through
// workerd over HTTP: the worker validates each case's request, with the
// case's time in the test clock header, and forwards allowed ones to an
// upstream that echoes the headers it received. jwks_url and revocations_url
// point at a loopback server with the case's documents (404 for none).
//
// Starting workerd per case would dominate the run, so cases with the same
// policy, keys and revocations share one workerd (nine for the whole table);
// their tokens differ, so one case's verified-token cache entry does not
// answer another's.
func TestConformance(t *testing.T) {
	requireWorkerd(t)
	upstream := newUpstream(t)
	docs := newDocServer(t)
	workers := map[string]*running{}
	setup := func(_ testing.TB, c *conformance.Case) conformance.Host {
		key := fmt.Sprintf("%q|%t%q|%t%q", c.Policy, c.Keys == nil, c.Keys, c.Revocations == nil, c.Revocations)
		w := workers[key]
		if w == nil {
			w = startSite(t, len(workers), c, upstream.URL, docs)
			workers[key] = w
		}
		return func(req conformance.Request) conformance.Response {
			return w.conformance(t, c, req)
		}
	}
	conformance.RunHTTP(t, setup)
}

// startSite starts a workerd for c's configuration (the t of the whole
// table owns it), its documents published on docs under /siteN/.
func startSite(t *testing.T, n int, c *conformance.Case, upstream string, docs *docServer) *running {
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{}
	if p.JWKSURL != "" {
		fields["jwks_url"] = docs.set(fmt.Sprintf("/site%d/jwks.json", n), c.Keys)
	}
	if p.RevocationsURL != "" {
		fields["revocations_url"] = docs.set(fmt.Sprintf("/site%d/revoked", n), c.Revocations)
	}
	return startWorker(t, Options{Policy: rewritePolicy(t, c.Policy, fields), Upstream: upstream})
}

// conformance sends req with the case's time and reports what the client
// got and what the upstream received.
func (w *running) conformance(t *testing.T, c *conformance.Case, req conformance.Request) conformance.Response {
	headers := [][2]string{{nowHeader, strconv.FormatInt(c.Now, 10)}}
	for k, v := range req.Header {
		headers = append(headers, [2]string{k, v})
	}
	for _, a := range req.Authorization {
		headers = append(headers, [2]string{"Authorization", a})
	}
	r, err := w.tryRequest(req.Method, req.Path, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v\nworkerd output:\n%s", req.Method, req.Path, err, w.out)
	}
	resp := conformance.Response{Status: r.status, WWWAuthenticate: r.header.Get("WWW-Authenticate")}
	if r.seen != nil {
		resp.Headers = map[string]string{}
		for k, v := range r.seen.Header {
			if len(v) != 1 {
				t.Errorf("upstream got %d %s headers: %q", len(v), k, v)
			}
			resp.Headers[k] = v[0]
		}
	}
	return resp
}
