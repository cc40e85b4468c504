package main

import (
	"testing"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestConformance runs the shared host table against each module through the
// raw ABI: a fresh instance per case, configured with the case's policy,
// keys and revocations, answering through tg_authorize; once with the
// guest's own cryptography and once with the host import verifying. The HTTP layer
// (status, WWW-Authenticate) is the minimal one every host writes; edge's
// tests run the same table through the Go host's middleware.
func TestConformance(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		for _, native := range []bool{false, true} {
			t.Run(map[bool]string{false: "guest-crypto", true: "host-crypto"}[native], func(t *testing.T) {
				nativeCrypto.Store(native)
				defer nativeCrypto.Store(false)
				runConformance(t, m)
			})
		}
	})
}

func runConformance(t *testing.T, m *module) {
	for _, c := range conformance.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			g := newGuest(t, m)
			p, n := g.put(c.Policy)
			if s := g.status("tg_configure", p, n); s != 0 {
				_, _, f := g.record()
				t.Fatalf("tg_configure = %d: %s", s, f[0])
			}
			for _, doc := range []struct {
				export string
				body   []byte
			}{{"tg_set_keys", c.Keys}, {"tg_set_revocations", c.Revocations}} {
				if doc.body == nil {
					continue
				}
				p, n := g.put(doc.body)
				if s := g.status(doc.export, p, n); s != 0 {
					_, _, f := g.record()
					t.Fatalf("%s = %d: %s", doc.export, s, f[0])
				}
			}
			if err := conformance.Check(&c, answer(g, &c)); err != nil {
				t.Error(err)
			}
		})
	}
}

// answer turns the guest's verdict into the HTTP answer a host gives.
func answer(g *guest, c *conformance.Case) conformance.Result {
	realm := `Bearer realm="tollgate-test"`
	if len(c.Authorization) > 1 { // hosts reject duplicated headers themselves
		return conformance.Result{Status: 400, WWWAuthenticate: realm + `, error="invalid_request"`}
	}
	var hdr string
	if len(c.Authorization) == 1 {
		hdr = c.Authorization[0]
	}
	v := g.validate("tg_authorize", hdr, c.Method, c.Path, c.Now)
	_, _, f := g.record()
	switch v {
	case 0:
		return conformance.Result{Status: 200, Subject: f[0], ClientID: f[1], Scope: f[2]}
	case 4:
		return conformance.Result{Status: 401, WWWAuthenticate: realm}
	}
	codes := map[int32]struct {
		status int
		code   string
	}{1: {400, "invalid_request"}, 2: {401, "invalid_token"}, 3: {403, "insufficient_scope"}}
	e, ok := codes[v]
	if !ok {
		g.t.Fatalf("verdict %d", v)
	}
	h := realm + `, error="` + e.code + `", error_description="` + f[0] + `"`
	if v == 3 {
		h += `, scope="` + f[1] + `"`
	}
	return conformance.Result{Status: e.status, WWWAuthenticate: h}
}

// TestWycheproofSignatures runs every Wycheproof signature vector through
// tg_verify_signature in every module: the standard library's ECDSA, Ed25519
// and RSA as each toolchain compiles them must agree with the tables.
func TestWycheproofSignatures(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		vectors, err := conformance.SignatureVectors()
		if err != nil {
			t.Fatal(err)
		}
		g := newGuest(t, m)
		for _, v := range vectors {
			var args []uint64
			for _, b := range [][]byte{[]byte(v.Alg), v.JWK, v.Msg, v.Sig} {
				p, n := g.put(b)
				args = append(args, p, n)
			}
			got := g.status("tg_verify_signature", args...)
			for i := 0; i < len(args); i += 2 {
				if args[i] != 0 {
					g.call("tg_free", args[i])
				}
			}
			if got != 0 && got != 1 {
				t.Fatalf("%s: status %d", v.Name, got)
			}
			if (got == 1) != v.Valid {
				t.Errorf("%s: verdict %v, want %v %s", v.Name, got == 1, v.Valid, v.Note)
			}
		}
		if len(vectors) != 262+151+259+108 {
			t.Errorf("%d vectors, want every one of the four files", len(vectors))
		}
	})
}

// TestWycheproofJWS runs every Wycheproof JWS and JWK vector through
// tg_configure (the vector's keys inline) and tg_verify_jws.
func TestWycheproofJWS(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		vectors, err := conformance.JWSVectors()
		if err != nil {
			t.Fatal(err)
		}
		g := newGuest(t, m)
		accepted := 0
		for _, v := range vectors {
			p, n := g.put(v.Policy)
			s := g.status("tg_configure", p, n)
			g.call("tg_free", p)
			got := false
			switch s {
			case 0:
				tp, tn := g.put([]byte(v.Token))
				verdict := g.status("tg_verify_jws", tp, tn)
				if tp != 0 {
					g.call("tg_free", tp)
				}
				if verdict != 0 && verdict != 2 {
					t.Fatalf("%s: verdict %d", v.Name, verdict)
				}
				got = verdict == 0
			case 1: // policy refused: the vector is rejected
			default:
				t.Fatalf("%s: tg_configure = %d", v.Name, s)
			}
			if got != v.Valid {
				t.Errorf("%s: verdict %v, want %v %s", v.Name, got, v.Valid, v.Note)
			}
			if got {
				accepted++
			}
		}
		if accepted < 25 || len(vectors) != 401+26 {
			t.Errorf("%d of %d vectors accepted", accepted, len(vectors))
		}
	})
}
