package validator

// AppendChallenge appends the WWW-Authenticate header value for a request
// denied with err (RFC 6750 §3): `Bearer realm="…"` alone when err is nil
// (no token was presented), else with error, error_description and, for
// InsufficientScope, scope. It allocates only if dst lacks capacity.
func AppendChallenge(dst []byte, realm string, err *Error) []byte {
	dst = append(dst, `Bearer realm="`...)
	dst = appendQuoted(dst, realm)
	dst = append(dst, '"')
	if err == nil {
		return dst
	}
	dst = append(dst, `, error="`...)
	dst = append(dst, err.Code.String()...)
	dst = append(dst, `", error_description="`...)
	dst = appendQuoted(dst, err.Description)
	dst = append(dst, '"')
	if err.Code == InsufficientScope && err.Scope != "" {
		dst = append(dst, `, scope="`...)
		dst = appendQuoted(dst, err.Scope)
		dst = append(dst, '"')
	}
	return dst
}

// appendQuoted appends s as the inside of an RFC 9110 quoted-string,
// escaping '"' and '\' and dropping control characters.
func appendQuoted(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 && c != '\t', c == 0x7f:
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
