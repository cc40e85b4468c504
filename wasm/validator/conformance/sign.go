package conformance

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
)

// signFunc signs a JWS signing input.
type signFunc func(input []byte) []byte

func signES256(k *ecdsa.PrivateKey) signFunc {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
		if err != nil {
			panic(err)
		}
		return append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	}
}

// signES256DER signs like signES256 but encodes the signature in ASN.1 DER,
// as X.509 does and JWS forbids.
func signES256DER(k *ecdsa.PrivateKey) signFunc {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		sig, err := ecdsa.SignASN1(rand.Reader, k, h[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

func signEdDSA(k ed25519.PrivateKey) signFunc {
	return func(in []byte) []byte { return ed25519.Sign(k, in) }
}

func signRS256(k *rsa.PrivateKey) signFunc {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

func signPS256(k *rsa.PrivateKey) signFunc {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		sig, err := rsa.SignPSS(rand.Reader, k, crypto.SHA256, h[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		if err != nil {
			panic(err)
		}
		return sig
	}
}

func signHS256(secret []byte) signFunc {
	return func(in []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(in)
		return m.Sum(nil)
	}
}

// fixedSig ignores the input and returns sig.
func fixedSig(sig []byte) signFunc { return func([]byte) []byte { return sig } }

// compact builds a compact JWS from header and payload JSON text.
func compact(header, payload string, sign signFunc) string {
	in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	return in + "." + b64.EncodeToString(sign([]byte(in)))
}

// header returns a JOSE header with alg, kid and typ at+jwt.
func header(alg, kid string) string {
	return `{"alg":"` + alg + `","kid":"` + kid + `","typ":"at+jwt"}`
}

// claims returns the table's default RFC 9068 claims, changed by mod, as
// JSON (members sorted by name).
func claims(mod func(m map[string]any)) string {
	m := map[string]any{
		"iss": Issuer, "sub": "user-1", "aud": Audience, "client_id": "client-1",
		"scope": "read write", "iat": Now - 60, "exp": Now + 600, "jti": "jti-1",
	}
	if mod != nil {
		mod(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}
