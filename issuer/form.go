package issuer

import (
	"bytes"
	"unicode/utf8"
)

// maxFormParams bounds the parameters of one request body; OAuth requests
// carry a handful.
const maxFormParams = 64

// form is a strictly parsed application/x-www-form-urlencoded body (the
// WHATWG URL standard's serialization, which RFC 6749 Appendix B refers to).
// Names and values are substrings of one decoded string, so a request costs
// two allocations whatever its size.
type form struct {
	params []param
}

type param struct{ name, value string }

// parseForm parses body. Unlike net/url and fasthttp, which pass malformed
// escapes through, it rejects a '%' not followed by two hex digits, decoded
// bytes that are not UTF-8, and more than maxFormParams pairs — each as
// invalid_request. Empty pairs ("a=1&&b=2") are skipped; a pair without '='
// is a name with an empty value.
func parseForm(body []byte) (form, *Error) {
	type span struct{ name, value, end int }
	var spans [maxFormParams]span
	n := 0
	buf := make([]byte, 0, len(body))
	for rest := body; len(rest) > 0; {
		pair := rest
		if i := bytes.IndexByte(rest, '&'); i >= 0 {
			pair, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(pair) == 0 {
			continue
		}
		if n == maxFormParams {
			return form{}, errInvalidRequest("too many parameters")
		}
		name, value := pair, []byte(nil)
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			name, value = pair[:i], pair[i+1:]
		}
		sp := span{name: len(buf)}
		var ok bool
		if buf, ok = appendFormDecoded(buf, name); !ok {
			return form{}, errInvalidRequest("malformed form encoding")
		}
		sp.value = len(buf)
		if buf, ok = appendFormDecoded(buf, value); !ok {
			return form{}, errInvalidRequest("malformed form encoding")
		}
		sp.end = len(buf)
		spans[n] = sp
		n++
	}
	if n == 0 {
		return form{}, nil
	}
	s := string(buf)
	f := form{params: make([]param, n)}
	for i, sp := range spans[:n] {
		f.params[i] = param{name: s[sp.name:sp.value], value: s[sp.value:sp.end]}
	}
	return f, nil
}

// one returns the value of the single-valued parameter name, "" when it is
// absent or empty (RFC 6749 §3.2: a parameter sent without a value is
// treated as omitted), and invalid_request when it is repeated.
func (f *form) one(name string) (string, *Error) {
	v, seen := "", false
	for i := range f.params {
		if f.params[i].name != name {
			continue
		}
		if seen {
			return "", errInvalidRequest("parameter " + name + " is repeated")
		}
		v, seen = f.params[i].value, true
	}
	return v, nil
}

// appendFormDecoded appends src with '+' as space and %XX decoded, and
// reports false for a malformed escape or a result that is not UTF-8.
func appendFormDecoded(dst, src []byte) ([]byte, bool) {
	start := len(dst)
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(src) {
				return dst, false
			}
			hi, ok1 := unhex(src[i+1])
			lo, ok2 := unhex(src[i+2])
			if !ok1 || !ok2 {
				return dst, false
			}
			dst = append(dst, hi<<4|lo)
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, utf8.Valid(dst[start:])
}

// decodeFormString is appendFormDecoded for a string, returning s itself
// when there is nothing to decode.
func decodeFormString(s string) (string, bool) {
	if !needsDecoding(s) {
		return s, utf8.ValidString(s)
	}
	b, ok := appendFormDecoded(make([]byte, 0, len(s)), []byte(s))
	return string(b), ok
}

func needsDecoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '+' {
			return true
		}
	}
	return false
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
