package jwks

import "crypto/sha256"

// Thumbprint returns the RFC 7638 JWK thumbprint of k: the unpadded
// base64url SHA-256 of its required members (RFC 7638 §3.2; OKP per RFC 8037
// §2) in lexicographic order with no whitespace. It returns "" for a nil key
// or an unknown key type.
func Thumbprint(k *Key) string {
	if k == nil {
		return ""
	}
	b := make([]byte, 0, 64+len(k.N)*4/3+len(k.X)*8/3+len(k.K)*4/3)
	switch k.Kty {
	case "EC":
		b = append(b, `{"crv":"`...)
		b = append(b, k.Crv...)
		b = append(b, `","kty":"EC","x":"`...)
		b = appendEncode(b, k.X)
		b = append(b, `","y":"`...)
		b = appendEncode(b, k.Y)
	case "OKP":
		b = append(b, `{"crv":"`...)
		b = append(b, k.Crv...)
		b = append(b, `","kty":"OKP","x":"`...)
		b = appendEncode(b, k.X)
	case "RSA":
		b = append(b, `{"e":"`...)
		b = appendEncode(b, k.E)
		b = append(b, `","kty":"RSA","n":"`...)
		b = appendEncode(b, k.N)
	case "oct":
		b = append(b, `{"k":"`...)
		b = appendEncode(b, k.K)
		b = append(b, `","kty":"oct`...)
	default:
		return ""
	}
	b = append(b, `"}`...)
	sum := sha256.Sum256(b)
	return string(appendEncode(nil, sum[:]))
}
