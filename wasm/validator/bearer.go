package validator

import "encoding/binary"

// bearerWord is "bearer " read as a little-endian word's low seven bytes.
const bearerWord = 'b' | 'e'<<8 | 'a'<<16 | 'r'<<24 | 'e'<<32 | 'r'<<40 | ' '<<48

// BearerToken extracts the token from an Authorization header value
// (RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme is case-insensitive,
// RFC 9110 §11.1). It returns nil, nil when the value is empty or uses
// another scheme: the request carries no bearer token and, per RFC 6750
// §3.1, the challenge has no error code. It returns InvalidRequest when the
// scheme is Bearer but the credentials are missing or not a b64token. The
// token is a view of authorization; nothing is allocated.
func BearerToken(authorization []byte) (token []byte, err *Error) {
	t, bearer := bearerCredentials(authorization)
	if !bearer {
		return nil, nil
	}
	if !isB64Token(t) {
		return nil, errBadHeader
	}
	return t, nil
}

// bearerCredentials splits an Authorization value: bearer reports the
// Bearer scheme (case-insensitive), and t is what follows it and its
// spaces, not yet checked to be a b64token (possibly empty).
func bearerCredentials(authorization []byte) (t []byte, bearer bool) {
	// The common "Bearer <token>" in one comparison: "bearer" with the ASCII
	// case bit set, one space, and neither OWS to trim nor spaces to skip.
	if h := authorization; len(h) > 7 && h[7] != ' ' && h[len(h)-1] != ' ' && h[len(h)-1] != '\t' &&
		binary.LittleEndian.Uint64(h)&0x00ff_ffff_ffff_ffff|0x0000_2020_2020_2020 == bearerWord {
		return h[7:], true
	}
	return bearerCredentialsSlow(authorization)
}

// bearerCredentialsSlow is bearerCredentials for any value.
func bearerCredentialsSlow(authorization []byte) (t []byte, bearer bool) {
	h := trimOWS(authorization)
	if len(h) == 0 {
		return nil, false
	}
	i := 0
	for i < len(h) && h[i] != ' ' && h[i] != '\t' {
		i++
	}
	if !equalFold(h[:i], "bearer") {
		return nil, false
	}
	for i < len(h) && h[i] == ' ' {
		i++
	}
	return h[i:], true
}

// isB64Token reports whether t is an RFC 6750 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(t []byte) bool {
	j := 0
	for j < len(t) && isB64TokenChar(t[j]) {
		j++
	}
	if j == 0 {
		return false
	}
	for k := j; k < len(t); k++ {
		if t[k] != '=' {
			return false
		}
	}
	return true
}

func isB64TokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
}

// trimOWS removes leading and trailing spaces and tabs (RFC 9110 OWS).
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold reports whether b equals the lower-case ASCII string s, ignoring
// ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
