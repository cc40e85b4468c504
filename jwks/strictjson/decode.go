package strictjson

import "unicode/utf8"

// Kind is the type of a JSON value.
type Kind uint8

// Kinds of JSON values.
const (
	KindInvalid Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

// KindOf returns the kind of the raw value, judged by its first byte only
// (no leading whitespace): it does not validate the value.
func KindOf(raw []byte) Kind {
	if len(raw) == 0 {
		return KindInvalid
	}
	switch c := raw[0]; {
	case c == '{':
		return KindObject
	case c == '[':
		return KindArray
	case c == '"':
		return KindString
	case c == 't' || c == 'f':
		return KindBool
	case c == 'n':
		return KindNull
	case c == '-' || (c >= '0' && c <= '9'):
		return KindNumber
	}
	return KindInvalid
}

// stringContent validates raw as exactly one JSON string and returns the
// bytes between its quotes and whether they hold escapes.
func stringContent(raw []byte) ([]byte, bool, error) {
	if KindOf(raw) != KindString {
		return nil, false, ErrType
	}
	end, esc, err := scanString(raw, 0)
	if err != nil {
		return nil, false, err
	}
	if end != len(raw) {
		return nil, false, ErrTrailingData
	}
	return raw[1 : end-1], esc, nil
}

// Unquote decodes the raw JSON string value. When the string holds no
// escapes the result is a view of raw and nothing is allocated; otherwise the
// unescaped bytes are appended to *scratch (a new slice if scratch is nil)
// and the result is a view of that part, capped so that appending to it
// cannot overwrite later data. It returns ErrType if raw is not a string.
func Unquote(raw []byte, scratch *[]byte) ([]byte, error) {
	c, esc, err := stringContent(raw)
	if err != nil || !esc {
		return c, err
	}
	if scratch == nil {
		return appendUnescaped(nil, c), nil
	}
	start := len(*scratch)
	*scratch = appendUnescaped(*scratch, c)
	return (*scratch)[start:len(*scratch):len(*scratch)], nil
}

// EqualString reports whether raw is a valid JSON string whose unescaped
// value is s. It does not allocate.
func EqualString(raw []byte, s string) bool {
	c, esc, err := stringContent(raw)
	if err != nil {
		return false
	}
	if !esc {
		return string(c) == s
	}
	var buf [utf8.UTFMax]byte
	j := 0
	for i := 0; i < len(c); {
		var r rune
		r, i = nextRune(c, i)
		n := utf8.EncodeRune(buf[:], r)
		if len(s)-j < n || string(buf[:n]) != s[j:j+n] {
			return false
		}
		j += n
	}
	return j == len(s)
}

// Bool decodes the raw JSON value true or false.
func Bool(raw []byte) (bool, error) {
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, ErrType
}

// maxExponent bounds the decimal exponent Int considers: beyond it any
// non-zero number overflows int64 and any negative one truncates to zero.
const maxExponent = 1 << 20

// Int decodes the raw JSON number as an int64, truncating any fractional part
// toward zero (NumericDate values may be fractional, RFC 7519 §2), so
// "1.9", "19e-1" and "1" all give 1. It returns ErrType if raw is not a
// number, ErrNumber if it is malformed and ErrRange if its integer part does
// not fit in an int64.
func Int(raw []byte) (int64, error) {
	if KindOf(raw) != KindNumber {
		return 0, ErrType
	}
	end, err := scanNumber(raw, 0)
	if err != nil {
		return 0, err
	}
	if end != len(raw) {
		return 0, ErrNumber
	}
	// The digit sequence is the integer digits followed by the fraction
	// digits; point is the decimal point's position within it.
	i, neg := 0, raw[0] == '-'
	if neg {
		i++
	}
	ds := i
	intEnd := digits(raw, ds)
	fracStart, fracEnd := intEnd, intEnd
	if intEnd < len(raw) && raw[intEnd] == '.' {
		fracStart = intEnd + 1
		fracEnd = digits(raw, fracStart)
	}
	intLen, total := intEnd-ds, intEnd-ds+fracEnd-fracStart
	point := intLen
	if i = fracEnd; i < len(raw) { // exponent
		i++
		eneg := raw[i] == '-'
		if raw[i] == '+' || raw[i] == '-' {
			i++
		}
		e := 0
		for ; i < len(raw); i++ {
			if e < maxExponent {
				e = e*10 + int(raw[i]-'0')
			}
		}
		if eneg {
			e = -e
		}
		point += e
	}
	limit := uint64(1<<63 - 1)
	if neg {
		limit = 1 << 63
	}
	var v uint64
	for k := 0; k < point; k++ {
		var dgt uint64
		switch {
		case k < intLen:
			dgt = uint64(raw[ds+k] - '0')
		case k < total:
			dgt = uint64(raw[fracStart+k-intLen] - '0')
		case v == 0:
			return 0, nil // 0 × 10^n stays 0
		}
		if v > (limit-dgt)/10 {
			return 0, ErrRange
		}
		v = v*10 + dgt
	}
	if neg {
		return int64(-v), nil // -(1<<63) wraps to itself, which is in range
	}
	return int64(v), nil
}
