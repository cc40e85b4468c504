package validator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"

	"github.com/tollgate/tollgate/jwks"
)

// VerifyFunc verifies sig over signingInput with key for alg and reports
// whether it is valid. See [Validator.SetVerifier].
type VerifyFunc func(alg string, key *jwks.Key, signingInput, sig []byte) bool

// VerifySignature reports whether sig is a valid JWS signature (RFC 7515
// §5.2, RFC 7518 §3) over signingInput by key for alg, one of RS256, PS256,
// ES256, EdDSA and HS256. The key must support alg ([jwks.Key.Supports]).
// ES256 signatures must be exactly 64 bytes, r‖s, with r and s in [1, n-1];
// EdDSA and HS256 signatures exactly 64 and 32 bytes; RSA signatures exactly
// the modulus size. PS256 requires a 32-byte salt and MGF1 with SHA-256.
// It is the entry point of the Wycheproof vectors.
func VerifySignature(alg string, key *jwks.Key, signingInput, sig []byte) bool {
	a := parseAlg(alg)
	return precheck(a, key, sig) && verifyBuiltin(a, key, signingInput, sig)
}

// precheck validates the key/algorithm pairing and the signature's shape,
// independently of who performs the cryptography.
func precheck(a alg, key *jwks.Key, sig []byte) bool {
	if a == algNone || !key.Supports(a.String()) {
		return false
	}
	switch a {
	case algES256:
		return len(sig) == 64 && inScalarRange(sig[:32]) && inScalarRange(sig[32:])
	case algEdDSA:
		return len(sig) == ed25519.SignatureSize
	case algHS256:
		return len(sig) == sha256.Size && len(key.K) >= sha256.Size
	default: // RSA
		return len(sig) == len(key.N)
	}
}

// verifyBuiltin checks the signature with the standard library.
func verifyBuiltin(a alg, key *jwks.Key, msg, sig []byte) bool {
	switch a {
	case algES256:
		pub, ok := key.Public.(*ecdsa.PublicKey)
		if !ok {
			return false
		}
		h := sha256.Sum256(msg)
		var der [72]byte
		return ecdsa.VerifyASN1(pub, h[:], appendDER(der[:0], sig[:32], sig[32:]))
	case algEdDSA:
		pub, ok := key.Public.(ed25519.PublicKey)
		return ok && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
	case algRS256, algPS256:
		pub, ok := key.Public.(*rsa.PublicKey)
		if !ok {
			return false
		}
		h := sha256.Sum256(msg)
		if a == algRS256 {
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) == nil
		}
		opts := rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		return rsa.VerifyPSS(pub, crypto.SHA256, h[:], sig, &opts) == nil
	case algHS256:
		mac := hmac.New(sha256.New, key.K)
		mac.Write(msg)
		var sum [sha256.Size]byte
		return hmac.Equal(mac.Sum(sum[:0]), sig)
	}
	return false
}

// p256Order is n, the order of the P-256 base point, big-endian.
var p256Order = [32]byte{
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
}

// inScalarRange reports whether the 32-byte big-endian v is in [1, n-1]:
// zero would make a "psychic signature" (CVE-2022-21449) in a verifier that
// forgot the check; n and above are not reduced scalars.
func inScalarRange(v []byte) bool {
	zero := true
	for _, b := range v {
		zero = zero && b == 0
	}
	if zero {
		return false
	}
	for i, b := range v {
		if b != p256Order[i] {
			return b < p256Order[i]
		}
	}
	return false // v == n
}

// appendDER appends the ASN.1 DER SEQUENCE { INTEGER r, INTEGER s } of the
// big-endian r and s (at most 32 bytes each, so every length is short form).
func appendDER(dst, r, s []byte) []byte {
	r, s = trimZeros(r), trimZeros(s)
	lr, ls := len(r)+int(r[0]>>7), len(s)+int(s[0]>>7)
	dst = append(dst, 0x30, byte(2+lr+2+ls))
	dst = appendInt(dst, r)
	return appendInt(dst, s)
}

func appendInt(dst, v []byte) []byte {
	if v[0]&0x80 != 0 {
		dst = append(dst, 0x02, byte(len(v)+1), 0)
	} else {
		dst = append(dst, 0x02, byte(len(v)))
	}
	return append(dst, v...)
}

// trimZeros drops leading zero bytes, keeping at least one byte.
func trimZeros(v []byte) []byte {
	for len(v) > 1 && v[0] == 0 {
		v = v[1:]
	}
	return v
}
