package jwks

import (
	"crypto/ed25519"
	"encoding/hex"
	"testing"
)

func TestThumbprintRFC7638(t *testing.T) {
	// RFC 7638 §3.1: the example RSA key (with extra members that must not
	// count) and its SHA-256 thumbprint.
	const doc = `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`
	k, err := ParseKey([]byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Thumbprint(k), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Fatalf("Thumbprint = %s, want %s", got, want)
	}
}

func TestThumbprintRFC8037(t *testing.T) {
	// RFC 8037 Appendix A.3: the Ed25519 example key's thumbprint.
	pub, _ := hex.DecodeString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	k, err := ParseKey([]byte(`{`+okpJWK(ed25519.PublicKey(pub))+`}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Thumbprint(k), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Fatalf("Thumbprint = %s, want %s", got, want)
	}
}

func TestThumbprintEC(t *testing.T) {
	// The EC form is exercised against an independent construction.
	ec := mustEC(t)
	k, err := ParseKey([]byte(`{"kid":"x","use":"sig",`+ecJWK(ec)+`}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	canon := `{"crv":"P-256","kty":"EC","x":"` + b64url.EncodeToString(fixed(ec.X, 32)) + `","y":"` + b64url.EncodeToString(fixed(ec.Y, 32)) + `"}`
	if got, want := Thumbprint(k), sha256b64(canon); got != want {
		t.Fatalf("Thumbprint = %s, want %s", got, want)
	}
	if Thumbprint(nil) != "" || Thumbprint(&Key{Kty: "X"}) != "" {
		t.Fatal("Thumbprint of nil or unknown key type is not empty")
	}
}
