package jwks

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

func TestAppendDecode(t *testing.T) {
	tests := []struct {
		in   string
		want string // hex-free: the decoded bytes as a string
		err  error
	}{
		{"", "", nil},
		{"Zg", "f", nil},
		{"Zm8", "fo", nil},
		{"Zm9v", "foo", nil},
		{"Zm9vYg", "foob", nil},
		{"-_-_", "\xfb\xff\xbf", nil},
		{"Zg==", "", ErrBase64},     // padding
		{"Zm8=", "", ErrBase64},     // padding
		{"Zh", "", ErrBase64},       // non-zero trailing bits
		{"Zm9", "", ErrBase64},      // non-zero trailing bits
		{"Z", "", ErrBase64},        // impossible length
		{"+/+/", "", ErrBase64},     // standard alphabet
		{"Zm9v\nYg", "", ErrBase64}, // line break (the standard library skips it)
		{"Zm9v\rYg", "", ErrBase64},
		{" Zm9v", "", ErrBase64},
		{"Zm.v", "", ErrBase64},
		{"Zm9v\x00", "", ErrBase64},
		{"Zm9v\xff", "", ErrBase64},
	}
	for _, tt := range tests {
		got, err := AppendDecode([]byte("prefix"), []byte(tt.in))
		if !errors.Is(err, tt.err) {
			t.Errorf("AppendDecode(%q) err = %v, want %v", tt.in, err, tt.err)
			continue
		}
		want := "prefix" + tt.want
		if string(got) != want {
			t.Errorf("AppendDecode(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

func FuzzAppendDecode(f *testing.F) {
	for _, s := range []string{"", "Zg", "Zm8", "Zm9v", "Zh", "Zg==", "+/", "a\nb"} {
		f.Add([]byte(s))
	}
	strict := base64.RawURLEncoding.Strict()
	f.Fuzz(func(t *testing.T, src []byte) {
		got, err := AppendDecode(nil, src)
		if err != nil {
			return
		}
		// Accepted input is the unique canonical encoding of its decoding,
		// and the standard library's strict decoder agrees.
		if enc := base64.RawURLEncoding.EncodeToString(got); enc != string(src) {
			t.Fatalf("accepted %q, canonical encoding is %q", src, enc)
		}
		if want, err := strict.DecodeString(string(src)); err != nil || !bytes.Equal(want, got) {
			t.Fatalf("stdlib strict decode of %q: %x, %v; got %x", src, want, err, got)
		}
		if string(appendEncode(nil, got)) != string(src) {
			t.Fatalf("appendEncode(%x) != %q", got, src)
		}
	})
}
