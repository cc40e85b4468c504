package strictjson

import (
	"errors"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error // nil: valid
	}{
		{"empty object", `{}`, nil},
		{"whitespace around", " \t\r\n{ } \n", nil},
		{"scalar top level", `"x"`, nil},
		{"number top level", `-0.5e+10`, nil},
		{"literals", `[true,false,null]`, nil},
		{"nested", `{"a":{"b":[1,{"c":"d"}]}}`, nil},
		{"escapes", `"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, nil},
		{"raw utf8", `"é😀"`, nil},
		{"same name in sibling objects", `[{"a":1},{"a":1}]`, nil},

		{"empty input", ``, ErrSyntax},
		{"only whitespace", `   `, ErrSyntax},
		{"bom", "\xef\xbb\xbf{}", ErrSyntax},
		{"trailing garbage", `{} x`, ErrTrailingData},
		{"two values", `{}{}`, ErrTrailingData},
		{"trailing comma object", `{"a":1,}`, ErrSyntax},
		{"trailing comma array", `[1,]`, ErrSyntax},
		{"missing colon", `{"a" 1}`, ErrSyntax},
		{"single quotes", `{'a':1}`, ErrSyntax},
		{"unquoted key", `{a:1}`, ErrSyntax},
		{"comment", `{} // x`, ErrTrailingData},
		{"vertical tab whitespace", "{\v}", ErrSyntax},
		{"nbsp whitespace", "{\u00a0}", ErrSyntax},
		{"truncated literal", `tru`, ErrSyntax},
		{"capital literal", `True`, ErrSyntax},
		{"NaN", `NaN`, ErrSyntax},

		{"duplicate key", `{"a":1,"a":2}`, ErrDuplicateKey},
		{"duplicate key escaped", `{"a":1,"\u0061":2}`, ErrDuplicateKey},
		{"duplicate key escaped both", `{"\u00e9":1,"\u00E9":2}`, ErrDuplicateKey},
		{"duplicate key raw vs escaped utf8", `{"é":1,"\u00e9":2}`, ErrDuplicateKey},
		{"duplicate key nested", `{"x":{"b":1,"b":2}}`, ErrDuplicateKey},
		{"duplicate key in array", `[{"b":1,"b":2}]`, ErrDuplicateKey},
		{"distinct keys with equal prefix", `{"a":1,"ab":2}`, nil},

		{"leading zero", `01`, ErrTrailingData},
		{"leading zero in object", `{"a":01}`, ErrSyntax},
		{"plus sign", `+1`, ErrSyntax},
		{"bare minus", `-`, ErrNumber},
		{"leading dot", `.5`, ErrSyntax},
		{"trailing dot", `1.`, ErrNumber},
		{"empty exponent", `1e`, ErrNumber},
		{"exponent sign only", `1e+`, ErrNumber},
		{"hex number", `0x10`, ErrTrailingData},

		{"control char in string", "\"a\x01\"", ErrString},
		{"newline in string", "\"a\n\"", ErrString},
		{"unknown escape", `"\x41"`, ErrString},
		{"short unicode escape", `"\u12"`, ErrString},
		{"bad hex", `"\u12g4"`, ErrString},
		{"lone high surrogate", `"\ud800"`, ErrString},
		{"lone high surrogate then char", `"\ud800x"`, ErrString},
		{"high then high", `"\ud800\ud800"`, ErrString},
		{"lone low surrogate", `"\udc00"`, ErrString},
		{"reversed pair", `"\udc00\ud800"`, ErrString},
		{"invalid utf8", "\"\xff\"", ErrString},
		{"overlong utf8", "\"\xc0\xaf\"", ErrString},
		{"utf8 encoded surrogate", "\"\xed\xa0\x80\"", ErrString},
		{"truncated utf8", "\"\xe2\x82\"", ErrString},
		{"unterminated string", `"abc`, ErrString},
		{"invalid utf8 in key", "{\"\xff\":1}", ErrString},

		{"depth at limit", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), nil},
		{"depth over limit", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), ErrDepth},
		{"depth over limit objects", strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), ErrDepth},
		{"members at limit", object(MaxMembers), nil},
		{"members over limit", object(MaxMembers + 1), ErrTooManyMembers},
		{"duplicate after spill", object(40)[:len(object(40))-1] + `,"k3":0}`, ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Valid([]byte(tt.in)); !errors.Is(err, tt.want) {
				t.Fatalf("Valid(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

// object returns an object with n distinct members "k0".."k<n-1>".
func object(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k`)
		b.WriteString(itoa(i))
		b.WriteString(`":0`)
	}
	b.WriteByte('}')
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestObject(t *testing.T) {
	in := ` {"iss" : "a", "\u0061ud":["x","y"], "n":{"deep":[1,2]}, "e":1.5e3} `
	var o Object
	if err := o.Reset([]byte(in)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for o.Next() {
		got = append(got, string(o.Key())+"="+string(o.Value()))
	}
	if err := o.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{`iss="a"`, `aud=["x","y"]`, `n={"deep":[1,2]}`, `e=1.5e3`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("members = %q, want %q", got, want)
	}
	if o.Next() {
		t.Fatal("Next after end returned true")
	}
}

func TestObjectErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		members int // members yielded before the error
		want    error
	}{
		{"not an object", `[1]`, 0, ErrType},
		{"string", `"{}"`, 0, ErrType},
		{"garbage", `x`, 0, ErrSyntax},
		{"empty", ``, 0, ErrSyntax},
		{"trailing data", `{"a":1} {}`, 1, ErrTrailingData},
		{"duplicate", `{"a":1,"b":2,"a":3}`, 2, ErrDuplicateKey},
		{"nested duplicate", `{"a":{"x":1,"x":1}}`, 0, ErrDuplicateKey},
		{"unterminated", `{"a":1`, 1, ErrSyntax},
		{"missing comma", `{"a":1 "b":2}`, 1, ErrSyntax},
		{"bad value", `{"a":01}`, 1, ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o Object
			if err := o.Reset([]byte(tt.in)); err != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Reset err %v, want nil or %v", err, tt.want)
			}
			n := 0
			for o.Next() {
				n++
			}
			if n != tt.members || !errors.Is(o.Err(), tt.want) {
				t.Fatalf("yielded %d members, err %v; want %d, %v", n, o.Err(), tt.members, tt.want)
			}
		})
	}
}

func TestObjectReuse(t *testing.T) {
	var o Object
	if err := o.Reset([]byte(object(30))); err != nil {
		t.Fatal(err)
	}
	for o.Next() {
	}
	// The second document reuses names from the first: Reset must forget them.
	if err := o.Reset([]byte(`{"k1":1,"k2":2}`)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for o.Next() {
		n++
	}
	if o.Err() != nil || n != 2 {
		t.Fatalf("after reuse: %d members, err %v", n, o.Err())
	}
}

func TestArray(t *testing.T) {
	var a Array
	if err := a.Reset([]byte(` [ "a" , {"b":[]}, 3 ] `)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for a.Next() {
		got = append(got, string(a.Value()))
	}
	if a.Err() != nil || strings.Join(got, "|") != `"a"|{"b":[]}|3` {
		t.Fatalf("got %q, err %v", got, a.Err())
	}
	for _, in := range []string{`[1,]`, `[1 2]`, `[1] x`, `{}`, `[`} {
		_ = a.Reset([]byte(in)) // an error is also kept for Err, checked below
		for a.Next() {
		}
		if a.Err() == nil {
			t.Errorf("Array over %q: no error", in)
		}
	}
	if err := a.Reset([]byte(`[]`)); err != nil {
		t.Fatal(err)
	}
	if a.Next() || a.Err() != nil {
		t.Fatalf("empty array: Next true or err %v", a.Err())
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct {
		in, want string
		view     bool // no escapes: the result aliases the input
		err      error
	}{
		{`"abc"`, "abc", true, nil},
		{`""`, "", true, nil},
		{`"a\"b"`, `a"b`, false, nil},
		{`"\u00e9\ud83d\ude00\/\\\n"`, "é😀/\\\n", false, nil},
		{`"\u0000"`, "\x00", false, nil},
		{`1`, "", false, ErrType},
		{`"\ud800"`, "", false, ErrString},
		{`"a" `, "", false, ErrTrailingData},
	}
	for _, tt := range tests {
		var scratch []byte
		got, err := Unquote([]byte(tt.in), &scratch)
		if !errors.Is(err, tt.err) || string(got) != tt.want {
			t.Errorf("Unquote(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			continue
		}
		if err == nil && (len(scratch) == 0) != tt.view {
			t.Errorf("Unquote(%q): used scratch = %v, want %v", tt.in, len(scratch) > 0, !tt.view)
		}
	}
	// Decoding into a shared scratch keeps earlier results intact.
	var scratch []byte
	a, _ := Unquote([]byte(`"\u0061"`), &scratch)
	b, _ := Unquote([]byte(`"\u0062"`), &scratch)
	if string(a) != "a" || string(b) != "b" || cap(a) != len(a) {
		t.Fatalf("shared scratch: %q %q cap %d", a, b, cap(a))
	}
}

func TestEqualString(t *testing.T) {
	tests := []struct {
		raw, s string
		want   bool
	}{
		{`"iss"`, "iss", true},
		{`"\u0069ss"`, "iss", true},
		{`"\u00e9"`, "é", true},
		{`"\ud83d\ude00"`, "😀", true},
		{`"iss"`, "is", false},
		{`"is"`, "iss", false},
		{`"\u0069s"`, "iss", false},
		{`"\u0069ss"`, "is", false},
		{`1`, "1", false},
		{`"\ud800"`, "\ufffd", false},
	}
	for _, tt := range tests {
		if got := EqualString([]byte(tt.raw), tt.s); got != tt.want {
			t.Errorf("EqualString(%q, %q) = %v", tt.raw, tt.s, got)
		}
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"0", 0, nil},
		{"-0", 0, nil},
		{"1700000000", 1700000000, nil},
		{"1700000000.999", 1700000000, nil},
		{"-1.9", -1, nil},
		{"1.7e9", 1700000000, nil},
		{"17E+8", 1700000000, nil},
		{"170000000000e-2", 1700000000, nil},
		{"0.005e3", 5, nil},
		{"5e-1", 0, nil},
		{"1e-99999999999999999999", 0, nil},
		{"0e99999999999999999999", 0, nil},
		{"0.0e99999999999999999999", 0, nil},
		{"9223372036854775807", 9223372036854775807, nil},
		{"-9223372036854775808", -9223372036854775808, nil},
		{"9223372036854775807.9", 9223372036854775807, nil},
		{"9223372036854775808", 0, ErrRange},
		{"-9223372036854775809", 0, ErrRange},
		{"1e19", 0, ErrRange},
		{"1e99999999999999999999", 0, ErrRange},
		{`"1"`, 0, ErrType},
		{"null", 0, ErrType},
		{"01", 0, ErrNumber},
		{"1.", 0, ErrNumber},
		{"1 ", 0, ErrNumber},
	}
	for _, tt := range tests {
		got, err := Int([]byte(tt.in))
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Int(%s) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "false": false} {
		if got, err := Bool([]byte(in)); err != nil || got != want {
			t.Errorf("Bool(%s) = %v, %v", in, got, err)
		}
	}
	if _, err := Bool([]byte("1")); !errors.Is(err, ErrType) {
		t.Errorf("Bool(1) err = %v", err)
	}
}

func TestAllocs(t *testing.T) {
	doc := []byte(`{"iss":"https://issuer.example","sub":"u1","aud":["a","b"],"exp":1700000000,` +
		`"iat":1699990000,"jti":"abc","scope":"read write","client_id":"c","cnf":{"x":[1,2]},"n":null}`)
	var o Object
	allocs := testing.AllocsPerRun(100, func() {
		if err := o.Reset(doc); err != nil {
			t.Fatal(err)
		}
		for o.Next() {
			switch string(o.Key()) {
			case "exp":
				_, _ = Int(o.Value())
			case "iss":
				_ = EqualString(o.Value(), "https://issuer.example")
			case "sub":
				_, _ = Unquote(o.Value(), nil)
			case "aud":
				var a Array
				if err := a.Reset(o.Value()); err != nil {
					t.Fatal(err)
				}
				for a.Next() {
				}
			}
		}
		if o.Err() != nil {
			t.Fatal(o.Err())
		}
	})
	if allocs != 0 {
		t.Fatalf("iterating a claims object allocates %v times, want 0", allocs)
	}
}

func BenchmarkObject(b *testing.B) {
	doc := []byte(`{"iss":"https://issuer.example/o","sub":"user-1","aud":["api","other"],"exp":1767226200,` +
		`"iat":1767225540,"jti":"0f8e2d1c-5a4b-4c3d-9e8f-7a6b5c4d3e2f","scope":"read write admin","client_id":"client-1"}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	var o Object
	for b.Loop() {
		if err := o.Reset(doc); err != nil {
			b.Fatal(err)
		}
		for o.Next() {
		}
		if o.Err() != nil {
			b.Fatal(o.Err())
		}
	}
}
