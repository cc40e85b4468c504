package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// t0 is the tests' epoch.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.set(t)
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// keyCache holds one key per algorithm, created and activated at t0, so
// RSA generation runs once per test binary where a fresh key is not the
// point of the test. Rings copy keys, so sharing them is safe.
var keyCache struct {
	sync.Mutex
	m map[string]*Key
}

func cachedKey(t testing.TB, alg string) *Key {
	t.Helper()
	keyCache.Lock()
	defer keyCache.Unlock()
	if k := keyCache.m[alg]; k != nil {
		return k
	}
	if keyCache.m == nil {
		keyCache.m = map[string]*Key{}
	}
	k := mustGenerate(t, alg, t0, t0)
	keyCache.m[alg] = k
	return k
}

func mustGenerate(t testing.TB, alg string, created, activateAt time.Time) *Key {
	t.Helper()
	k, err := Generate(alg, created, activateAt)
	if err != nil {
		t.Fatalf("Generate(%s): %v", alg, err)
	}
	return k
}

// claims returns a JSON claims set valid for an hour of real time, so
// golang-jwt's exp check passes.
func claims(t testing.TB, sub string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"iss": "https://issuer.example/o", "sub": sub, "aud": "api",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publicJWK is a key parsed from a JWKS document by parseJWKS.
type publicJWK struct {
	alg string
	key crypto.PublicKey
}

// parseJWKS is an independent, stdlib-only JWKS reader: it does not share
// code with jwx, so a JWKS bug cannot hide behind the same library on
// both sides.
func parseJWKS(t testing.TB, doc []byte) map[string]publicJWK {
	t.Helper()
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatalf("JWKS is not JSON: %v\n%s", err, doc)
	}
	out := map[string]publicJWK{}
	for _, m := range set.Keys {
		dec := func(name string) []byte {
			b, err := base64.RawURLEncoding.DecodeString(m[name])
			if err != nil || len(b) == 0 {
				t.Fatalf("JWK member %q: %q %v", name, m[name], err)
			}
			return b
		}
		var pub crypto.PublicKey
		switch m["kty"] {
		case "EC":
			if m["crv"] != "P-256" {
				t.Fatalf("crv %q", m["crv"])
			}
			p, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, dec("x")...), dec("y")...))
			if err != nil {
				t.Fatalf("EC key: %v", err)
			}
			pub = p
		case "OKP":
			if m["crv"] != "Ed25519" {
				t.Fatalf("crv %q", m["crv"])
			}
			pub = ed25519.PublicKey(dec("x"))
		case "RSA":
			pub = &rsa.PublicKey{N: new(big.Int).SetBytes(dec("n")), E: int(new(big.Int).SetBytes(dec("e")).Int64())}
		default:
			t.Fatalf("kty %q", m["kty"])
		}
		if m["use"] != "sig" {
			t.Errorf("kid %s: use = %q, want sig", m["kid"], m["use"])
		}
		if _, dup := out[m["kid"]]; dup {
			t.Fatalf("duplicate kid %s", m["kid"])
		}
		out[m["kid"]] = publicJWK{alg: m["alg"], key: pub}
	}
	return out
}

// verifyJWX verifies token against the JWKS doc with jwx, the key chosen
// by kid and the algorithm by the JWK's alg member.
func verifyJWX(doc, token []byte) ([]byte, error) {
	set, err := jwk.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("jwx parse JWKS: %w", err)
	}
	return jws.Verify(token, jws.WithKeySet(set, jws.WithRequireKid(true)))
}

// verifyGolangJWT verifies token against the JWKS doc with golang-jwt,
// allowing only alg, the key found by kid through parseJWKS.
func verifyGolangJWT(t testing.TB, doc, token []byte, alg string) error {
	keys := parseJWKS(t, doc)
	_, err := jwt.Parse(string(token), func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok {
			return nil, errors.New("unknown kid")
		}
		if k.alg != alg {
			return nil, fmt.Errorf("JWK alg %s, want %s", k.alg, alg)
		}
		return k.key, nil
	}, jwt.WithValidMethods([]string{alg}))
	return err
}

// canonicalThumbprint computes RFC 7638 by hand from a public key: the
// required members in lexicographic order, no whitespace, SHA-256.
func canonicalThumbprint(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	var js string
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		raw, err := p.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		js = `{"crv":"P-256","kty":"EC","x":"` + enc(raw[1:33]) + `","y":"` + enc(raw[33:]) + `"}`
	case ed25519.PublicKey:
		js = `{"crv":"Ed25519","kty":"OKP","x":"` + enc(p) + `"}`
	case *rsa.PublicKey:
		js = `{"e":"` + enc(big.NewInt(int64(p.E)).Bytes()) + `","kty":"RSA","n":"` + enc(p.N.Bytes()) + `"}`
	default:
		t.Fatalf("key type %T", pub)
	}
	sum := sha256.Sum256([]byte(js))
	return enc(sum[:])
}
