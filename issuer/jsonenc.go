package issuer

import (
	"strconv"
	"unicode/utf8"
)

// The token endpoint builds its JSON (JWT claims, the §5.1 response, §5.2
// errors) by appending: no reflection, no maps, one buffer. These helpers
// produce the same bytes encoding/json would for strings, except that '<',
// '>' and '&' are left as they are (the documents are never HTML).

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD; control characters, '"', '\\', U+2028 and U+2029 are escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONStringOrArray appends a single string as a string and several as
// an array: the two forms RFC 7519 §4.1.3 allows for aud.
func appendJSONStringOrArray(dst []byte, ss []string) []byte {
	if len(ss) == 1 {
		return appendJSONString(dst, ss[0])
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendMember appends `"name":` after a ',' unless dst ends in '{'. name is
// a constant that needs no escaping.
func appendMember(dst []byte, name string) []byte {
	if len(dst) > 0 && dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

func appendStringMember(dst []byte, name, v string) []byte {
	return appendJSONString(appendMember(dst, name), v)
}

func appendIntMember(dst []byte, name string, v int64) []byte {
	return strconv.AppendInt(appendMember(dst, name), v, 10)
}
