package jwks

// b64 maps the base64url alphabet (RFC 4648 §5) to its values; every other
// byte maps to 0xff.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// AppendDecode appends the base64url decoding of src to dst, as JOSE
// requires it (RFC 7515 §2): the URL-safe alphabet only, no padding, no
// whitespace or line breaks, and zero unused bits in the last character, so
// that every byte string has exactly one accepted encoding. It returns
// ErrBase64 and dst unchanged for any other input. It allocates only if dst
// lacks capacity.
func AppendDecode(dst, src []byte) ([]byte, error) {
	if len(src)%4 == 1 {
		return dst, ErrBase64
	}
	out := grow(dst, len(src)/4*3+3)
	i := 0
	for ; i+4 <= len(src); i += 4 {
		a, b, c, d := b64[src[i]], b64[src[i+1]], b64[src[i+2]], b64[src[i+3]]
		if a|b|c|d == 0xff {
			return dst, ErrBase64
		}
		out = append(out, a<<2|b>>4, b<<4|c>>2, c<<6|d)
	}
	switch len(src) - i {
	case 2:
		a, b := b64[src[i]], b64[src[i+1]]
		if a|b == 0xff || b&0x0f != 0 {
			return dst, ErrBase64
		}
		out = append(out, a<<2|b>>4)
	case 3:
		a, b, c := b64[src[i]], b64[src[i+1]], b64[src[i+2]]
		if a|b|c == 0xff || c&0x03 != 0 {
			return dst, ErrBase64
		}
		out = append(out, a<<2|b>>4, b<<4|c>>2)
	}
	return out, nil
}

// grow returns dst with room for n more bytes.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	g := make([]byte, len(dst), len(dst)+n)
	copy(g, dst)
	return g
}

// appendEncode appends the unpadded base64url encoding of src to dst.
func appendEncode(dst, src []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := 0
	for ; i+3 <= len(src); i += 3 {
		v := uint(src[i])<<16 | uint(src[i+1])<<8 | uint(src[i+2])
		dst = append(dst, alphabet[v>>18&0x3f], alphabet[v>>12&0x3f], alphabet[v>>6&0x3f], alphabet[v&0x3f])
	}
	switch len(src) - i {
	case 1:
		v := uint(src[i]) << 16
		dst = append(dst, alphabet[v>>18&0x3f], alphabet[v>>12&0x3f])
	case 2:
		v := uint(src[i])<<16 | uint(src[i+1])<<8
		dst = append(dst, alphabet[v>>18&0x3f], alphabet[v>>12&0x3f], alphabet[v>>6&0x3f])
	}
	return dst
}
