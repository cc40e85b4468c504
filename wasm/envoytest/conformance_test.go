//go:build !wasm

package envoytest

import (
	"net/textproto"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestConformance runs the shared host table through envoy.wasm: for each
// case a fresh filter whose plugin configuration is the case's policy, its
// clock stopped at the case's time, its DispatchHttpCall fetches of jwks_url
// and revocations_url answered with the case's documents (404 for a nil
// one), and the case's request sent as Envoy would send it.
func TestConformance(t *testing.T) {
	conformance.RunHTTP(t, envoyHost)
}

// envoyHost is the conformance Setup for the Envoy filter.
func envoyHost(t testing.TB, c *conformance.Case) conformance.Host {
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		t.Fatal(err)
	}
	f := newFilter(t, c.Policy, stoppedClock(c.Now))
	is := &issuer{t: t, jwksURL: p.JWKSURL, revURL: p.RevocationsURL, keys: c.Keys, revocations: c.Revocations}
	f.answer(is.serve)
	return func(req conformance.Request) conformance.Response {
		hdrs := [][2]string{{":method", req.Method}, {":path", req.Path}, {":authority", "api.example"}, {":scheme", "https"}}
		for _, a := range req.Authorization {
			hdrs = append(hdrs, [2]string{"authorization", a})
		}
		for k, v := range req.Header {
			hdrs = append(hdrs, [2]string{k, v})
		}
		o := f.request(hdrs)
		if o.local != nil {
			return conformance.Response{Status: o.status(), WWWAuthenticate: o.challenge()}
		}
		return conformance.Response{Status: 200, Headers: canonical(o.upstream)}
	}
}

// canonical turns Envoy's lower-case header list into the runner's map:
// canonical names, repeated values joined with ", ".
func canonical(hdrs [][2]string) map[string]string {
	m := map[string]string{}
	for _, h := range hdrs {
		if strings.HasPrefix(h[0], ":") {
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(h[0])
		if prev, ok := m[k]; ok {
			m[k] = prev + ", " + h[1]
		} else {
			m[k] = h[1]
		}
	}
	return m
}
