package strictjson

import (
	"bytes"
	"unicode/utf8"
)

// seenKey records one member name of an object: the hash of its unescaped
// form and the position of the quoted name in the document.
type seenKey struct {
	h          uint64
	start, end int32
	esc        bool
}

// keySet detects duplicate member names in one object. The first few names
// live in the struct (on the caller's stack); more spill to the heap.
type keySet struct {
	n     int
	small [16]seenKey
	more  []seenKey
}

func (s *keySet) at(j int) *seenKey {
	if j < len(s.small) {
		return &s.small[j]
	}
	return &s.more[j-len(s.small)]
}

// add records the name quoted at d[start:end] and reports ErrDuplicateKey if
// an equal name was recorded before.
func (s *keySet) add(d []byte, start, end int, esc bool) error {
	if s.n >= MaxMembers {
		return ErrTooManyMembers
	}
	k := seenKey{h: hashName(d[start+1:end-1], esc), start: int32(start), end: int32(end), esc: esc}
	for j := 0; j < s.n; j++ {
		p := s.at(j)
		if p.h == k.h && namesEqual(d[p.start+1:p.end-1], p.esc, d[start+1:end-1], esc) {
			return ErrDuplicateKey
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = k
	} else {
		s.more = append(s.more, k)
	}
	s.n++
	return nil
}

// hashName returns the FNV-1a hash of the unescaped form of the validated
// string content c.
func hashName(c []byte, esc bool) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	if !esc {
		for _, b := range c {
			h = (h ^ uint64(b)) * prime
		}
		return h
	}
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(c); {
		r, n := nextRune(c, i)
		i = n
		m := utf8.EncodeRune(buf[:], r)
		for _, b := range buf[:m] {
			h = (h ^ uint64(b)) * prime
		}
	}
	return h
}

// namesEqual reports whether two validated string contents unescape to the
// same string.
func namesEqual(a []byte, aesc bool, b []byte, besc bool) bool {
	if !aesc && !besc {
		return bytes.Equal(a, b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var ra, rb rune
		ra, i = nextRune(a, i)
		rb, j = nextRune(b, j)
		if ra != rb {
			return false
		}
	}
	return i == len(a) && j == len(b)
}

// nextRune decodes the rune at c[i] of validated string content, resolving
// escapes and surrogate pairs, and returns it with the index after it.
func nextRune(c []byte, i int) (rune, int) {
	if c[i] != '\\' {
		if c[i] < utf8.RuneSelf {
			return rune(c[i]), i + 1
		}
		r, size := utf8.DecodeRune(c[i:])
		return r, i + size
	}
	switch c[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r, _ := hex4(c, i+2)
		if r >= 0xD800 && r <= 0xDBFF {
			lo, _ := hex4(c, i+8)
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), i + 12
		}
		return r, i + 6
	default: // '"', '\\', '/'
		return rune(c[i+1]), i + 2
	}
}

// appendUnescaped appends the unescaped form of validated string content c.
func appendUnescaped(dst, c []byte) []byte {
	for i := 0; i < len(c); {
		j := i
		for j < len(c) && c[j] != '\\' {
			j++
		}
		dst = append(dst, c[i:j]...)
		if j == len(c) {
			break
		}
		var r rune
		r, i = nextRune(c, j)
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
