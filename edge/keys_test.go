package edge

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"sync/atomic"
	"testing"
	"time"
)

// testKey is a signing key of one algorithm, with its public JWK.
type testKey struct {
	alg, kid string
	priv     crypto.Signer
}

// algs are the algorithms the validator accepts by default.
var algs = []string{"ES256", "EdDSA", "RS256", "PS256"}

// mustKey generates a key for alg.
func mustKey(t testing.TB, alg, kid string) *testKey {
	t.Helper()
	var (
		priv crypto.Signer
		err  error
	)
	switch alg {
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "RS256", "PS256":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("unknown alg %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &testKey{alg: alg, kid: kid, priv: priv}
}

var b64 = base64.RawURLEncoding

// jwk returns the public JWK as a JSON object.
func (k *testKey) jwk() map[string]any {
	m := map[string]any{"kid": k.kid, "alg": k.alg, "use": "sig"}
	switch pub := k.priv.Public().(type) {
	case *ecdsa.PublicKey:
		m["kty"], m["crv"] = "EC", "P-256"
		xy, err := pub.Bytes() // 0x04 ‖ x ‖ y
		if err != nil {
			panic(err)
		}
		m["x"], m["y"] = b64.EncodeToString(xy[1:33]), b64.EncodeToString(xy[33:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64.EncodeToString(pub)
	case *rsa.PublicKey:
		m["kty"] = "RSA"
		m["n"] = b64.EncodeToString(pub.N.Bytes())
		m["e"] = b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	}
	return m
}

// jwksOf returns the JWKS document holding keys' public halves.
func jwksOf(t testing.TB, keys ...*testKey) []byte {
	t.Helper()
	set := []map[string]any{}
	for _, k := range keys {
		set = append(set, k.jwk())
	}
	b, err := json.Marshal(map[string]any{"keys": set})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	testIssuer   = "https://issuer.test/o"
	testAudience = "api"
)

// claims returns RFC 9068 access-token claims valid for an hour.
func claims(sub, scope string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{
		"iss": testIssuer, "sub": sub, "aud": testAudience,
		"client_id": "client-" + sub, "scope": scope,
		"iat": now, "exp": now + 3600, "jti": fmt.Sprintf("jti-%s-%d", sub, nextJTI()),
	}
}

var jtiCounter atomic.Int64

func nextJTI() int64 { return jtiCounter.Add(1) }

// sign returns a compact JWS of payload with typ at+jwt.
func (k *testKey) sign(t testing.TB, payload map[string]any) []byte {
	t.Helper()
	hdr, _ := json.Marshal(map[string]any{"alg": k.alg, "typ": "at+jwt", "kid": k.kid})
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	input := b64.EncodeToString(hdr) + "." + b64.EncodeToString(body)
	var sig []byte
	digest := sha256.Sum256([]byte(input))
	switch priv := k.priv.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	case ed25519.PrivateKey:
		sig = ed25519.Sign(priv, []byte(input))
	case *rsa.PrivateKey:
		if k.alg == "PS256" {
			sig, err = rsa.SignPSS(rand.Reader, priv, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return []byte(input + "." + b64.EncodeToString(sig))
}

// policyDoc returns a policy document; extra fields are merged in.
func policyDoc(t testing.TB, extra map[string]any) []byte {
	t.Helper()
	doc := map[string]any{
		"issuer":    testIssuer,
		"realm":     testIssuer,
		"audiences": []string{testAudience},
		"scopes":    []string{"read"},
		"routes":    []map[string]any{{"method": "POST", "path": "/admin/*", "scopes": []string{"admin"}}},
	}
	for k, v := range extra {
		if v == nil {
			delete(doc, k)
			continue
		}
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rawJSON embeds a JSON document in policyDoc's map unchanged.
func rawJSON(b []byte) json.RawMessage { return json.RawMessage(b) }
