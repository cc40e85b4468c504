package issuer

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\x00\x1f", `"\n\r\t\u0000\u001f"`},
		{"é€😀", `"é€😀"`},
		{"a\u2028b\u2029", `"a\u2028b\u2029"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"<&>", `"<&>"`},
	}
	for _, tt := range tests {
		if got := string(appendJSONString(nil, tt.in)); got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAccessTokenClaimsEscaping(t *testing.T) {
	tok := accessToken{issuer: `https://x/"o"`, subject: "a\\b", audience: []string{"x", "y\n"}, clientID: "c\u2028", scope: "s", issued: testNow, ttl: 60e9}
	var m map[string]any
	if err := json.Unmarshal(tok.appendClaims(nil), &m); err != nil {
		t.Fatal(err)
	}
	if m["iss"] != tok.issuer || m["sub"] != tok.subject || m["client_id"] != tok.clientID {
		t.Errorf("round trip: %v", m)
	}
	if aud := m["aud"].([]any); len(aud) != 2 || aud[1] != "y\n" {
		t.Errorf("aud = %v", m["aud"])
	}
}

func TestErrorDescriptionSanitized(t *testing.T) {
	b := appendErrorJSON(nil, &Error{Code: CodeInvalidScope, Description: "scope \"é\\\n\" bad", URI: "https://x/\"y"})
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["error_description"] != "scope  bad" || m["error_uri"] != "https://x/y" {
		t.Errorf("got %q", m)
	}
}

// FuzzAppendJSONString checks appendJSONString against encoding/json.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\u2028", "\xff\xfe", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); utf8.ValidString(s) && back != want {
			t.Fatalf("%q → %s → %q", s, b, back)
		}
		// encoding/json replaces each invalid byte; so do we.
		std, _ := json.Marshal(s)
		var stdBack string
		_ = json.Unmarshal(std, &stdBack)
		if back != stdBack {
			t.Fatalf("%q: ours decodes to %q, encoding/json's to %q", s, back, stdBack)
		}
	})
}
