package jwks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"math/big"

	"github.com/tollgate/tollgate/jwks/strictjson"
)

// Options adjusts parsing. The zero value (or nil) is the strict default.
type Options struct {
	// AllowOct accepts symmetric keys (kty "oct", alg "HS256"). Only for key
	// sets configured out of band: a published JWKS holding a secret is a leak.
	AllowOct bool
}

// ParseKey parses one JWK. It returns ErrUnsupported for a well-formed key
// that Parse would skip.
func ParseKey(data []byte, o *Options) (*Key, error) {
	k, usable, err := parseKey(data, o, -1)
	if err != nil {
		return nil, err
	}
	if !usable {
		return nil, &memberError{key: -1, err: ErrUnsupported}
	}
	return k, nil
}

// jwk holds the raw members of one JWK object.
type jwk struct {
	kty, kid, alg, use, crv, x, y, n, e, k []byte // decoded strings; nil when absent
	keyOps                                 []byte // raw array; nil when absent
	private                                string // name of a private member, "" if none
}

// parseKey parses one JWK object and reports whether it is usable.
func parseKey(data []byte, o *Options, index int) (*Key, bool, error) {
	fail := func(member string, err, cause error) (*Key, bool, error) {
		return nil, false, &memberError{key: index, member: member, err: err, cause: cause}
	}
	var j jwk
	var obj strictjson.Object
	_ = obj.Reset(data) // a bad start is reported by Err too
	for obj.Next() {
		name := string(obj.Key())
		var dst *[]byte
		switch name {
		case "kty":
			dst = &j.kty
		case "kid":
			dst = &j.kid
		case "alg":
			dst = &j.alg
		case "use":
			dst = &j.use
		case "crv":
			dst = &j.crv
		case "x":
			dst = &j.x
		case "y":
			dst = &j.y
		case "n":
			dst = &j.n
		case "e":
			dst = &j.e
		case "k":
			dst = &j.k
		case "key_ops":
			j.keyOps = obj.Value()
			continue
		case "d", "p", "q", "dp", "dq", "qi", "oth":
			j.private = name
			continue
		default:
			continue
		}
		s, err := strictjson.Unquote(obj.Value(), nil)
		if err != nil {
			return fail(name, ErrMemberType, err)
		}
		*dst = s
		if *dst == nil {
			*dst = []byte{}
		}
	}
	if err := obj.Err(); err != nil {
		if err == strictjson.ErrType {
			return fail("", ErrMemberType, err)
		}
		return fail("", ErrMalformed, err)
	}
	if j.private != "" {
		return fail(j.private, ErrPrivateMember, nil)
	}
	if j.kty == nil {
		return fail("kty", ErrMissingMember, nil)
	}
	if (string(j.kty) == "EC" || string(j.kty) == "OKP") && j.crv == nil {
		return fail("crv", ErrMissingMember, nil)
	}
	k := &Key{Kty: string(j.kty), Kid: string(j.kid), Alg: string(j.alg), Use: string(j.use), Crv: string(j.crv)}
	if k.Kty == "oct" && (o == nil || !o.AllowOct) {
		return fail("kty", ErrOctNotAllowed, nil)
	}

	// Skip, without judging the key material, what is not for us.
	usable := (j.use == nil || k.Use == "sig") && (k.Alg == "" || supportedAlg(k.Alg))
	if j.keyOps != nil {
		verify, err := hasVerify(j.keyOps)
		if err != nil {
			return fail("key_ops", ErrMemberType, err)
		}
		usable = usable && verify
	}
	switch {
	case k.Kty == "EC" && k.Crv == "P-256":
	case k.Kty == "OKP" && k.Crv == "Ed25519":
	case k.Kty == "RSA" || k.Kty == "oct":
	default:
		usable = false
	}
	if !usable {
		return k, false, nil
	}

	var err error
	var member string
	switch k.Kty {
	case "EC":
		member, err = parseEC(k, &j)
	case "OKP":
		member, err = parseOKP(k, &j)
	case "RSA":
		member, err = parseRSA(k, &j)
	case "oct":
		member, err = parseOct(k, &j)
	}
	if err != nil {
		return fail(member, err, nil)
	}
	if k.Alg != "" && !k.Supports(k.Alg) {
		return fail("alg", ErrAlgMismatch, nil)
	}
	return k, true, nil
}

// hasVerify reports whether the key_ops array holds "verify".
func hasVerify(raw []byte) (bool, error) {
	var a strictjson.Array
	_ = a.Reset(raw) // a bad start is reported by Err too
	found := false
	for a.Next() {
		if strictjson.KindOf(a.Value()) != strictjson.KindString {
			return false, strictjson.ErrType
		}
		found = found || strictjson.EqualString(a.Value(), "verify")
	}
	return found, a.Err()
}

// decode decodes a required base64url member of exactly size bytes (any
// size if size is 0).
func decode(name string, v []byte, size int) ([]byte, string, error) {
	if v == nil {
		return nil, name, ErrMissingMember
	}
	b, err := AppendDecode(nil, v)
	if err != nil {
		return nil, name, err
	}
	if size > 0 && len(b) != size {
		return nil, name, ErrKeySize
	}
	return b, "", nil
}

func parseEC(k *Key, j *jwk) (member string, err error) {
	if k.X, member, err = decode("x", j.x, 32); err != nil {
		return member, err
	}
	if k.Y, member, err = decode("y", j.y, 32); err != nil {
		return member, err
	}
	point := make([]byte, 0, 65)
	point = append(append(append(point, 4), k.X...), k.Y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return "x", ErrPointNotOnCurve
	}
	k.Public = pub
	return "", nil
}

func parseOKP(k *Key, j *jwk) (member string, err error) {
	if k.X, member, err = decode("x", j.x, ed25519.PublicKeySize); err != nil {
		return member, err
	}
	k.Public = ed25519.PublicKey(k.X)
	return "", nil
}

func parseRSA(k *Key, j *jwk) (member string, err error) {
	if k.N, member, err = decode("n", j.n, 0); err != nil {
		return member, err
	}
	if k.E, member, err = decode("e", j.e, 0); err != nil {
		return member, err
	}
	e, err := checkExponent(k.E)
	if err != nil {
		return "e", err
	}
	if err := checkModulus(k.N); err != nil {
		return "n", err
	}
	k.Public = &rsa.PublicKey{N: new(big.Int).SetBytes(k.N), E: e}
	return "", nil
}

func parseOct(k *Key, j *jwk) (member string, err error) {
	if k.Alg != HS256 {
		return "alg", ErrAlgMismatch
	}
	if k.K, member, err = decode("k", j.k, 0); err != nil {
		return member, err
	}
	if len(k.K) < 32 {
		return "k", ErrKeySize
	}
	return "", nil
}
