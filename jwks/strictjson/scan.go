package strictjson

import "unicode/utf8"

// Limits on documents. They bound the work and the stack a hostile document
// can demand; legitimate JOSE documents stay far below them.
const (
	// MaxDepth is the deepest nesting of objects and arrays accepted; the
	// outermost container is at depth 1.
	MaxDepth = 32
	// MaxMembers is the largest number of members accepted in one object.
	// Duplicate detection is quadratic in it, so it stays small.
	MaxMembers = 256
)

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanValue validates the value starting at d[i] and returns the index just
// past it. depth is the depth of the container holding the value.
func scanValue(d []byte, i, depth int) (int, error) {
	if i >= len(d) {
		return i, ErrSyntax
	}
	switch c := d[i]; {
	case c == '"':
		end, _, err := scanString(d, i)
		return end, err
	case c == '{':
		return scanObject(d, i, depth+1)
	case c == '[':
		return scanArray(d, i, depth+1)
	case c == 't':
		return scanLiteral(d, i, "true")
	case c == 'f':
		return scanLiteral(d, i, "false")
	case c == 'n':
		return scanLiteral(d, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(d, i)
	}
	return i, ErrSyntax
}

func scanLiteral(d []byte, i int, lit string) (int, error) {
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return i, ErrSyntax
	}
	return i + len(lit), nil
}

// scanString validates the string whose opening quote is d[i] and returns
// the index just past its closing quote and whether it holds escapes.
func scanString(d []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			n, ok := scanEscape(d, i)
			if !ok {
				return i, escaped, ErrString
			}
			i += n
		case c < 0x20:
			return i, escaped, ErrString
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return i, escaped, ErrString
			}
			i += size
		}
	}
	return i, escaped, ErrString
}

// scanEscape validates the escape sequence starting with the backslash at
// d[i] and returns its length. A high surrogate must be followed by an
// escaped low surrogate; a low surrogate may not stand alone.
func scanEscape(d []byte, i int) (int, bool) {
	if i+1 >= len(d) {
		return 0, false
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
	default:
		return 0, false
	}
	r, ok := hex4(d, i+2)
	switch {
	case !ok:
		return 0, false
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, false
	case r < 0xD800 || r > 0xDBFF:
		return 6, true
	}
	if i+12 > len(d) || d[i+6] != '\\' || d[i+7] != 'u' {
		return 0, false
	}
	lo, ok := hex4(d, i+8)
	if !ok || lo < 0xDC00 || lo > 0xDFFF {
		return 0, false
	}
	return 12, true
}

// hex4 decodes the four hex digits at d[i:i+4].
func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// scanNumber validates the number starting at d[i] against the RFC 8259
// grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(d []byte, i int) (int, error) {
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		return i, ErrNumber
	case d[i] == '0':
		i++
	case d[i] >= '1' && d[i] <= '9':
		i = digits(d, i+1)
	default:
		return i, ErrNumber
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return j, ErrNumber
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return j, ErrNumber
		}
		i = j
	}
	return i, nil
}

func digits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

// scanObject validates the object whose '{' is d[i] at the given depth.
func scanObject(d []byte, i, depth int) (int, error) {
	if depth > MaxDepth {
		return i, ErrDepth
	}
	var keys keySet
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return i, ErrSyntax
		}
		end, esc, err := scanString(d, i)
		if err != nil {
			return end, err
		}
		if err := keys.add(d, i, end, esc); err != nil {
			return i, err
		}
		i = skipWS(d, end)
		if i >= len(d) || d[i] != ':' {
			return i, ErrSyntax
		}
		if i, err = scanValue(d, skipWS(d, i+1), depth); err != nil {
			return i, err
		}
		i = skipWS(d, i)
		switch {
		case i >= len(d):
			return i, ErrSyntax
		case d[i] == ',':
			i = skipWS(d, i+1)
		case d[i] == '}':
			return i + 1, nil
		default:
			return i, ErrSyntax
		}
	}
}

// scanArray validates the array whose '[' is d[i] at the given depth.
func scanArray(d []byte, i, depth int) (int, error) {
	if depth > MaxDepth {
		return i, ErrDepth
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = scanValue(d, i, depth); err != nil {
			return i, err
		}
		i = skipWS(d, i)
		switch {
		case i >= len(d):
			return i, ErrSyntax
		case d[i] == ',':
			i = skipWS(d, i+1)
		case d[i] == ']':
			return i + 1, nil
		default:
			return i, ErrSyntax
		}
	}
}

// Valid reports whether data is exactly one strict JSON value, optionally
// surrounded by whitespace, and if not, why.
func Valid(data []byte) error {
	i, err := scanValue(data, skipWS(data, 0), 0)
	if err != nil {
		return err
	}
	if skipWS(data, i) != len(data) {
		return ErrTrailingData
	}
	return nil
}
