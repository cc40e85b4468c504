package signing

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TestSignVerify signs with each algorithm and verifies the token through
// the JWKS document with two independent libraries.
func TestSignVerify(t *testing.T) {
	tests := []struct {
		alg    string
		sigLen int // raw JWS signature bytes: r||s for ECDSA, not DER
	}{
		{ES256, 64},
		{EdDSA, 64},
		{RS256, 256},
		{PS256, 256},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			k := cachedKey(t, tt.alg)
			r := NewRing([]*Key{k}, Options{Now: newClock(t0).Now})
			payload := claims(t, "client-"+tt.alg)
			tok, kid, err := r.Sign(tt.alg, "at+jwt", payload)
			if err != nil {
				t.Fatal(err)
			}
			if kid != k.Kid {
				t.Errorf("kid = %s, want %s", kid, k.Kid)
			}
			parts := strings.Split(string(tok), ".")
			if len(parts) != 3 {
				t.Fatalf("token has %d parts", len(parts))
			}
			hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
			if want := `{"alg":"` + tt.alg + `","kid":"` + k.Kid + `","typ":"at+jwt"}`; string(hdr) != want {
				t.Errorf("header = %s, want %s", hdr, want)
			}
			body, _ := base64.RawURLEncoding.DecodeString(parts[1])
			if !bytes.Equal(body, payload) {
				t.Errorf("payload = %s, want %s", body, payload)
			}
			sig, err := base64.RawURLEncoding.DecodeString(parts[2])
			if err != nil || len(sig) != tt.sigLen {
				t.Errorf("signature %d bytes (err %v), want %d", len(sig), err, tt.sigLen)
			}

			doc, _ := r.JWKS()
			got, err := verifyJWX(doc, tok)
			if err != nil {
				t.Errorf("jwx: %v", err)
			} else if !bytes.Equal(got, payload) {
				t.Errorf("jwx payload = %s", got)
			}
			if err := verifyGolangJWT(t, doc, tok, tt.alg); err != nil {
				t.Errorf("golang-jwt: %v", err)
			}

			// A changed signature character must fail both verifiers.
			bad := bytes.Clone(tok)
			if bad[len(bad)-2] = 'A'; tok[len(tok)-2] == 'A' {
				bad[len(bad)-2] = 'B'
			}
			if _, err := verifyJWX(doc, bad); err == nil {
				t.Error("jwx accepted a tampered signature")
			}
			if err := verifyGolangJWT(t, doc, bad, tt.alg); err == nil {
				t.Error("golang-jwt accepted a tampered signature")
			}
		})
	}
}

func TestSignTyp(t *testing.T) {
	r := NewRing([]*Key{cachedKey(t, ES256)}, Options{Now: newClock(t0).Now})
	tests := []struct {
		name string
		typ  string
		ok   bool
	}{
		{"access token", "at+jwt", true},
		{"id token", "JWT", true},
		{"full media type", "application/at+jwt", true},
		{"logout token", "logout+jwt", true},
		{"empty", "", false},
		{"quote", `at"jwt`, false},
		{"backslash", `at\jwt`, false},
		{"space", "at jwt", false},
		{"control", "at\njwt", false},
		{"non-ASCII", "at+jwé", false},
		{"too long", strings.Repeat("a", maxTypLen+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, _, err := r.Sign(ES256, tt.typ, []byte(`{}`))
			if !tt.ok {
				if !errors.Is(err, ErrInvalidTyp) || tok != nil {
					t.Errorf("Sign = %q, %v; want ErrInvalidTyp", tok, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			hdr, _ := base64.RawURLEncoding.DecodeString(string(tok[:bytes.IndexByte(tok, '.')]))
			var h map[string]string
			if err := json.Unmarshal(hdr, &h); err != nil || len(h) != 3 || h["typ"] != tt.typ {
				t.Errorf("header %s (err %v)", hdr, err)
			}
		})
	}
}

// TestHeaderCacheBounded checks that many distinct typ values all sign
// correctly while the per-key header cache stays bounded.
func TestHeaderCacheBounded(t *testing.T) {
	r := NewRing([]*Key{cachedKey(t, EdDSA)}, Options{Now: newClock(t0).Now})
	doc, _ := r.JWKS()
	for i := range 3 * maxCachedTyps {
		typ := "t" + strings.Repeat("x", i)
		tok, _, err := r.Sign(EdDSA, typ, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := verifyJWX(doc, tok); err != nil {
			t.Fatalf("typ %s: %v", typ, err)
		}
	}
	if n := len(*r.current().active[algIndex(EdDSA)].hdrs.Load()); n != maxCachedTyps {
		t.Errorf("header cache holds %d entries, want %d", n, maxCachedTyps)
	}
}

func TestSignErrors(t *testing.T) {
	clock := newClock(t0)
	next := mustGenerate(t, ES256, t0, t0.Add(time.Hour))
	tests := []struct {
		name string
		keys []*Key
		alg  string
		want error
	}{
		{"unsupported alg", []*Key{cachedKey(t, ES256)}, "HS256", ErrUnsupportedAlg},
		{"alg none", []*Key{cachedKey(t, ES256)}, "none", ErrUnsupportedAlg},
		{"empty ring", nil, ES256, ErrNoActiveKey},
		{"other alg only", []*Key{cachedKey(t, ES256)}, EdDSA, ErrNoActiveKey},
		{"only a next key", []*Key{next}, ES256, ErrNoActiveKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRing(tt.keys, Options{Now: clock.Now})
			tok, kid, err := r.Sign(tt.alg, "at+jwt", []byte(`{}`))
			if !errors.Is(err, tt.want) || tok != nil || kid != "" {
				t.Errorf("Sign = %q, %q, %v; want %v", tok, kid, err, tt.want)
			}
		})
	}
}

func TestDerToRaw(t *testing.T) {
	der := func(r, s []byte) []byte {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(r) })
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(s) })
		})
		return b.BytesOrPanic()
	}
	full := bytes.Repeat([]byte{0x7f}, 32)
	high := append([]byte{0}, bytes.Repeat([]byte{0xff}, 32)...) // DER sign byte
	tests := []struct {
		name string
		der  []byte
		want []byte // nil: error expected
	}{
		{"full width", der(full, full), append(bytes.Clone(full), full...)},
		{"sign byte stripped", der(high, []byte{1}), append(bytes.Repeat([]byte{0xff}, 32), append(make([]byte, 31), 1)...)},
		{"short r padded", der([]byte{5}, full), append(append(make([]byte, 31), 5), full...)},
		{"component too long", der(append([]byte{1}, full...), full), nil},
		{"trailing data", append(der(full, full), 0), nil},
		{"not a sequence", []byte{0x02, 0x01, 0x01}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]byte, 64)
			err := derToRaw(tt.der, got)
			if tt.want == nil {
				if err == nil {
					t.Error("no error")
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("derToRaw = %x, %v; want %x", got, err, tt.want)
			}
		})
	}
}

// TestJWKSPublicOnly checks that no private member of any key type reaches
// the JWKS document, and that every key carries kid, alg and use.
func TestJWKSPublicOnly(t *testing.T) {
	var keys []*Key
	for _, alg := range algs {
		keys = append(keys, cachedKey(t, alg))
	}
	r := NewRing(keys, Options{Now: newClock(t0).Now})
	doc, _ := r.JWKS()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != len(algs) {
		t.Fatalf("%d keys published, want %d", len(set.Keys), len(algs))
	}
	for _, m := range set.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, ok := m[private]; ok {
				t.Errorf("kid %v publishes private member %q", m["kid"], private)
			}
		}
		for _, required := range []string{"kty", "kid", "alg", "use"} {
			if _, ok := m[required]; !ok {
				t.Errorf("key %v lacks %q", m, required)
			}
		}
	}
	if len(parseJWKS(t, doc)) != len(algs) {
		t.Error("independent parser disagrees")
	}
}
