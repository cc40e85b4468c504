package envoyconfig

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// quote returns s as a YAML double-quoted scalar. A JSON string is one,
// provided every character YAML does not print is escaped.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return escapeUnprintable(strings.TrimSuffix(b.String(), "\n"))
}

// indent prefixes every line of s but the first with n spaces, for a block
// scalar whose first line the template places.
func indent(n int, s string) string {
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
}

// policyText returns the policy document as the content of a YAML literal
// block scalar: as written, except that surrounding whitespace is trimmed,
// line ends become \n, tabs become two spaces and characters YAML does not
// print are \u-escaped. In a valid JSON document (ParsePolicy has checked
// it) tabs and line ends occur only between tokens and unprintable
// characters only inside strings, so the document means the same.
func policyText(policy []byte) string {
	s := strings.TrimSpace(string(policy))
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", "  ").Replace(s)
	return escapeUnprintable(s)
}

// escapeUnprintable replaces the characters outside YAML's printable set
// (and the ones YAML 1.1 reads as line breaks) with JSON \u escapes. It is
// only applied to JSON text, where such characters can only occur inside
// strings.
func escapeUnprintable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if yamlPrintable(r) || r == '\n' {
			b.WriteString(s[i : i+size])
		} else {
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		}
		i += size
	}
	return b.String()
}

// yamlPrintable reports whether YAML 1.2 prints r (c-printable, minus NEL,
// LS and PS, which YAML 1.1 parsers take for line breaks, and the BOM).
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t', r >= 0x20 && r <= 0x7e:
		return true
	case r == 0x85, r == 0x2028, r == 0x2029, r == 0xfeff, r == utf8.RuneError:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}
