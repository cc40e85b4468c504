package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync/atomic"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var b64 = base64.RawURLEncoding

// pssOptions are the RSASSA-PSS parameters RFC 7518 §3.5 fixes for PS256:
// MGF1 with SHA-256 and a salt as long as the hash.
var pssOptions = rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}

// maxCachedTyps bounds the per-key cache of encoded protected headers.
const maxCachedTyps = 8

// maxTypLen bounds the typ header value.
const maxTypLen = 64

// entry is a key as a Ring holds it: an immutable copy of the [Key] plus
// what the signing hot path needs precomputed.
type entry struct {
	Key
	sigLen int // raw JWS signature length in bytes
	hdrs   atomic.Pointer[[]typHeader]
}

// typHeader is the base64url-encoded protected header {"alg","kid","typ"}
// for one typ value.
type typHeader struct {
	typ string
	enc string
}

func newEntry(k *Key) *entry {
	e := &entry{Key: *k}
	switch s := k.signer.(type) {
	case *ecdsa.PrivateKey:
		e.sigLen = 64
	case ed25519.PrivateKey:
		e.sigLen = ed25519.SignatureSize
	case *rsa.PrivateKey:
		e.sigLen = s.Size()
	}
	hs := []typHeader{e.encodeHeader("at+jwt"), e.encodeHeader("JWT")}
	e.hdrs.Store(&hs)
	return e
}

// encodeHeader builds the protected header for typ. typ must have passed validTyp.
func (e *entry) encodeHeader(typ string) typHeader {
	js := `{"alg":"` + e.Alg + `","kid":"` + e.Kid + `","typ":"` + typ + `"}`
	return typHeader{typ: typ, enc: b64.EncodeToString([]byte(js))}
}

// header returns the encoded protected header for typ, from the cache when
// it can. The cache is copy-on-write, so readers never lock.
func (e *entry) header(typ string) (string, error) {
	hs := e.hdrs.Load()
	for _, h := range *hs {
		if h.typ == typ {
			return h.enc, nil
		}
	}
	if !validTyp(typ) {
		return "", fmt.Errorf("%w: %q", ErrInvalidTyp, typ)
	}
	h := e.encodeHeader(typ)
	if len(*hs) < maxCachedTyps {
		grown := append(append(make([]typHeader, 0, len(*hs)+1), *hs...), h)
		e.hdrs.CompareAndSwap(hs, &grown) // losing the race only costs a recomputation
	}
	return h.enc, nil
}

// validTyp reports whether typ is a non-empty media type made of RFC 6838
// restricted-name characters (plus "/"), so it needs no JSON escaping.
func validTyp(typ string) bool {
	if typ == "" || len(typ) > maxTypLen {
		return false
	}
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '!' || c == '#' || c == '$' || c == '&' || c == '-' || c == '^' ||
			c == '_' || c == '.' || c == '+' || c == '/':
		default:
			return false
		}
	}
	return true
}

// sign returns the compact JWS hdr.b64(payload).b64(signature), signing
// with the standard library rather than jws.Sign: BenchmarkSign measured
// it 1.4× faster for ES256 and 1.3× for EdDSA, with 60 allocations instead
// of 139 (ES256, all inside crypto/ecdsa) and 1 instead of 75 (EdDSA).
// The signing input is written straight into the token buffer.
func (e *entry) sign(hdr string, payload []byte) ([]byte, error) {
	n := len(hdr) + 1 + b64.EncodedLen(len(payload))
	out := make([]byte, n+1+b64.EncodedLen(e.sigLen))
	copy(out, hdr)
	out[len(hdr)] = '.'
	b64.Encode(out[len(hdr)+1:n], payload)
	input := out[:n]

	var sig []byte
	var err error
	switch s := e.signer.(type) {
	case *ecdsa.PrivateKey:
		var raw [64]byte
		sum := sha256.Sum256(input)
		var der []byte
		if der, err = ecdsa.SignASN1(rand.Reader, s, sum[:]); err == nil {
			err = derToRaw(der, raw[:])
		}
		sig = raw[:]
	case ed25519.PrivateKey:
		sig = ed25519.Sign(s, input)
	case *rsa.PrivateKey:
		sum := sha256.Sum256(input)
		if e.Alg == PS256 {
			sig, err = rsa.SignPSS(rand.Reader, s, crypto.SHA256, sum[:], &pssOptions)
		} else {
			sig, err = rsa.SignPKCS1v15(nil, s, crypto.SHA256, sum[:])
		}
	default:
		err = fmt.Errorf("%w: %T", ErrKeyMismatch, s)
	}
	if err != nil {
		return nil, fmt.Errorf("signing: sign with %s: %w", e.Kid, err)
	}
	out[n] = '.'
	b64.Encode(out[n+1:], sig)
	return out, nil
}

// derToRaw converts an ASN.1 ECDSA-Sig-Value into the JWS form: r and s
// as big-endian integers, each left-padded to half of dst (RFC 7518 §3.4).
func derToRaw(der []byte, dst []byte) error {
	var seq, r, s cryptobyte.String
	in := cryptobyte.String(der)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1(&r, cbasn1.INTEGER) || !seq.ReadASN1(&s, cbasn1.INTEGER) || !seq.Empty() {
		return fmt.Errorf("signing: malformed ECDSA signature")
	}
	half := len(dst) / 2
	for i, v := range [2][]byte{r, s} {
		for len(v) > 0 && v[0] == 0 { // DER adds a 0x00 before a high bit
			v = v[1:]
		}
		if len(v) > half {
			return fmt.Errorf("signing: ECDSA signature component too long")
		}
		part := dst[i*half : (i+1)*half]
		clear(part[:half-len(v)])
		copy(part[half-len(v):], v)
	}
	return nil
}
