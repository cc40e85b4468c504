package validator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"testing"

	"github.com/tollgate/tollgate/jwks"
)

func TestAppendDER(t *testing.T) {
	n := new(big.Int).SetBytes(p256Order[:])
	for _, pair := range [][2]*big.Int{
		{big.NewInt(1), big.NewInt(1)},
		{big.NewInt(0x80), big.NewInt(0x7f)},
		{new(big.Int).Sub(n, big.NewInt(1)), big.NewInt(0xff00)},
		{new(big.Int).Lsh(big.NewInt(1), 255), new(big.Int).Lsh(big.NewInt(1), 200)},
	} {
		r, s := pair[0].FillBytes(make([]byte, 32)), pair[1].FillBytes(make([]byte, 32))
		var got struct{ R, S *big.Int }
		der := appendDER(nil, r, s)
		rest, err := asn1.Unmarshal(der, &got)
		if err != nil || len(rest) != 0 || got.R.Cmp(pair[0]) != 0 || got.S.Cmp(pair[1]) != 0 {
			t.Errorf("appendDER(%x, %x) = %x: %v", r, s, der, err)
		}
		want, _ := asn1.Marshal(struct{ R, S *big.Int }{pair[0], pair[1]})
		if string(want) != string(der) {
			t.Errorf("appendDER(%x, %x) = %x, want %x", r, s, der, want)
		}
	}
}

func TestInScalarRange(t *testing.T) {
	n := new(big.Int).SetBytes(p256Order[:])
	for _, tt := range []struct {
		v    *big.Int
		want bool
	}{
		{big.NewInt(0), false}, {big.NewInt(1), true}, {new(big.Int).Sub(n, big.NewInt(1)), true},
		{n, false}, {new(big.Int).Add(n, big.NewInt(1)), false},
		{new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)), false},
	} {
		if got := inScalarRange(tt.v.FillBytes(make([]byte, 32))); got != tt.want {
			t.Errorf("inScalarRange(%x) = %v", tt.v, got)
		}
	}
}

// TestVerifySignatureShapes checks the shape rules on a valid ES256
// signature and its malformed variants.
func TestVerifySignatureShapes(t *testing.T) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	x, y := priv.X.FillBytes(make([]byte, 32)), priv.Y.FillBytes(make([]byte, 32))
	key, err := jwks.ParseKey([]byte(`{"kty":"EC","crv":"P-256","x":"`+enc(x)+`","y":"`+enc(y)+`"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("header.payload")
	h := sha256.Sum256(msg)
	r, s, _ := ecdsa.Sign(rand.Reader, priv, h[:])
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	if !VerifySignature("ES256", key, msg, sig) {
		t.Fatal("valid signature rejected")
	}
	// s and n - s are both valid ECDSA signatures; P1363 JWS does not forbid
	// high s, and neither does the standard library.
	hs := new(big.Int).Sub(new(big.Int).SetBytes(p256Order[:]), s)
	if !VerifySignature("ES256", key, msg, append(r.FillBytes(make([]byte, 32)), hs.FillBytes(make([]byte, 32))...)) {
		t.Error("high-s signature rejected")
	}
	der, _ := ecdsa.SignASN1(rand.Reader, priv, h[:])
	for name, bad := range map[string][]byte{
		"DER":        der,
		"short":      sig[:63],
		"long":       append(append([]byte(nil), sig...), 0),
		"zero":       make([]byte, 64),
		"r zero":     append(make([]byte, 32), sig[32:]...),
		"s = n":      append(append([]byte(nil), sig[:32]...), p256Order[:]...),
		"wrong alg":  nil,
		"other data": sig,
	} {
		alg, m := "ES256", msg
		switch name {
		case "wrong alg":
			alg, bad = "EdDSA", sig
		case "other data":
			m = []byte("header.payload2")
		}
		if VerifySignature(alg, key, m, bad) {
			t.Errorf("%s: accepted", name)
		}
	}
	if VerifySignature("ES256", nil, msg, sig) || VerifySignature("none", key, msg, sig) {
		t.Error("nil key or alg none accepted")
	}
}

func enc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
