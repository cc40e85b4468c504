package conformance

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
)

//go:embed testdata/keys testdata/wycheproof
var testdata embed.FS

// keys are the fixed signing keys of the tables.
type keys struct {
	es256, foreign *ecdsa.PrivateKey
	eddsa          ed25519.PrivateKey
	rs256, ps256   *rsa.PrivateKey
	hs256          []byte
}

func loadKeys() (*keys, error) {
	load := func(name string) (crypto.Signer, error) {
		b, err := testdata.ReadFile("testdata/keys/" + name + ".pem")
		if err != nil {
			return nil, err
		}
		block, _ := pem.Decode(b)
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return k.(crypto.Signer), nil
	}
	var k keys
	var err error
	var s crypto.Signer
	if s, err = load("es256"); err != nil {
		return nil, err
	}
	k.es256 = s.(*ecdsa.PrivateKey)
	if s, err = load("es256-foreign"); err != nil {
		return nil, err
	}
	k.foreign = s.(*ecdsa.PrivateKey)
	if s, err = load("eddsa"); err != nil {
		return nil, err
	}
	k.eddsa = s.(ed25519.PrivateKey)
	if s, err = load("rs256"); err != nil {
		return nil, err
	}
	k.rs256 = s.(*rsa.PrivateKey)
	if s, err = load("ps256"); err != nil {
		return nil, err
	}
	k.ps256 = s.(*rsa.PrivateKey)
	b, err := testdata.ReadFile("testdata/keys/hs256.b64")
	if err != nil {
		return nil, err
	}
	if k.hs256, err = base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(b))); err != nil {
		return nil, err
	}
	return &k, nil
}

var b64 = base64.RawURLEncoding

// ecPoint returns the P-256 public point as x‖y, 32 bytes each (the
// uncompressed encoding without its 0x04 prefix).
func ecPoint(pub *ecdsa.PublicKey) []byte {
	b, err := pub.Bytes()
	if err != nil {
		panic(err)
	}
	return b[1:]
}

// Public JWK objects of the table keys, with their kids.
func (k *keys) jwkES256(kid string, pub *ecdsa.PublicKey) string {
	xy := ecPoint(pub)
	return `{"kty":"EC","crv":"P-256","kid":"` + kid + `","use":"sig","alg":"ES256","x":"` + b64.EncodeToString(xy[:32]) + `","y":"` + b64.EncodeToString(xy[32:]) + `"}`
}

func (k *keys) jwkEdDSA() string {
	return `{"kty":"OKP","crv":"Ed25519","kid":"eddsa","alg":"EdDSA","x":"` + b64.EncodeToString(k.eddsa.Public().(ed25519.PublicKey)) + `"}`
}

func jwkRSA(kid, alg string, pub *rsa.PublicKey) string {
	return `{"kty":"RSA","kid":"` + kid + `","alg":"` + alg + `","n":"` + b64.EncodeToString(pub.N.Bytes()) +
		`","e":"` + b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()) + `"}`
}

// publicSet is the JWKS the issuer would publish.
func (k *keys) publicSet() string {
	return `{"keys":[` + k.jwkES256("es256", &k.es256.PublicKey) + `,` + k.jwkEdDSA() + `,` +
		jwkRSA("rs256", "RS256", &k.rs256.PublicKey) + `,` + jwkRSA("ps256", "PS256", &k.ps256.PublicKey) + `]}`
}

// octSet is an inline set with the HS256 secret.
func (k *keys) octSet() string {
	return `{"keys":[{"kty":"oct","kid":"hs256","alg":"HS256","k":"` + b64.EncodeToString(k.hs256) + `"}]}`
}
