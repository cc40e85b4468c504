package conformance

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/keys (changes every table token)")

// TestGenerateKeys writes the embedded test keys. They were generated once
// with `go test -run TestGenerateKeys -update` and are committed so that the
// tables are stable; nothing else writes them.
func TestGenerateKeys(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the keys")
	}
	ec := func() any { k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader); return k }
	rs := func() any { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k }
	ed := func() any { _, k, _ := ed25519.GenerateKey(rand.Reader); return k }
	for name, gen := range map[string]func() any{
		"es256": ec, "es256-foreign": ec, "eddsa": ed, "rs256": rs, "ps256": rs,
	} {
		der, err := x509.MarshalPKCS8PrivateKey(gen())
		if err != nil {
			t.Fatal(err)
		}
		b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(filepath.Join("testdata", "keys", name+".pem"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	b64 := base64.RawURLEncoding.EncodeToString(secret) + "\n"
	if err := os.WriteFile(filepath.Join("testdata", "keys", "hs256.b64"), []byte(b64), 0o644); err != nil {
		t.Fatal(err)
	}
}
