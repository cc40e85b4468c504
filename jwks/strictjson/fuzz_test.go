package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzValid checks strictjson against encoding/json: whatever strictjson
// accepts, encoding/json must accept too, and every string and number it
// decodes must decode to the same value there. The reverse does not hold on
// purpose: encoding/json accepts duplicate names, invalid UTF-8 and lone
// surrogates (replacing them with U+FFFD), which strictjson rejects.
func FuzzValid(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `"a"`, `1.5e3`, `{"a":{"b":[1,"\u00e9",null,true]}}`, `{"a":1,"a":2}`,
		`"\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `-0.0e-0`, `{"exp":1700000000.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Valid(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("strictjson accepts %q, encoding/json does not", data)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("encoding/json cannot unmarshal accepted %q: %v", data, err)
		}
		compare(t, data, v)
	})
}

// compare walks the raw value alongside encoding/json's decoding of it.
func compare(t *testing.T, raw []byte, v any) {
	t.Helper()
	switch KindOf(bytes.TrimLeft(raw, " \t\r\n")) {
	case KindObject:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%q: encoding/json gives %T", raw, v)
		}
		var o Object
		if err := o.Reset(raw); err != nil {
			t.Fatalf("%q: Reset: %v", raw, err)
		}
		n := 0
		for o.Next() {
			n++
			if !utf8.Valid(o.Key()) {
				t.Fatalf("key %q is not UTF-8", o.Key())
			}
			sub, ok := m[string(o.Key())]
			if !ok {
				t.Fatalf("key %q missing from encoding/json's map", o.Key())
			}
			compare(t, o.Value(), sub)
		}
		if o.Err() != nil || n != len(m) {
			t.Fatalf("%q: %d members, err %v; encoding/json has %d", raw, n, o.Err(), len(m))
		}
	case KindArray:
		s, ok := v.([]any)
		if !ok {
			t.Fatalf("%q: encoding/json gives %T", raw, v)
		}
		var a Array
		if err := a.Reset(raw); err != nil {
			t.Fatalf("%q: Reset: %v", raw, err)
		}
		n := 0
		for a.Next() {
			if n >= len(s) {
				t.Fatalf("%q: more elements than encoding/json", raw)
			}
			compare(t, a.Value(), s[n])
			n++
		}
		if a.Err() != nil || n != len(s) {
			t.Fatalf("%q: %d elements, err %v; encoding/json has %d", raw, n, a.Err(), len(s))
		}
	case KindString:
		got, err := Unquote(bytes.TrimSpace(raw), nil)
		if err != nil || string(got) != v.(string) || !EqualString(bytes.TrimSpace(raw), v.(string)) {
			t.Fatalf("Unquote(%q) = %q, %v; encoding/json %q", raw, got, err, v)
		}
	case KindNumber:
		raw = bytes.TrimSpace(raw)
		if string(v.(json.Number)) != string(raw) {
			t.Fatalf("number %s decoded as %s", raw, v)
		}
		f, perr := strconv.ParseFloat(string(raw), 64)
		if perr != nil { // out of float64 range: Int must not accept a non-zero value
			if got, err := Int(raw); err == nil && got != 0 && !errors.Is(perr, strconv.ErrRange) {
				t.Fatalf("Int(%s) = %d", raw, got)
			}
			return
		}
		got, err := Int(raw)
		// Compare only where float64 is exact enough to judge truncation.
		if math.Abs(f) < 1<<52 {
			if err != nil || got != int64(f) {
				// float64 rounding can carry 0.999…9 over an integer boundary.
				if math.Trunc(f) == f {
					return
				}
				t.Fatalf("Int(%s) = %d, %v; float64 %v", raw, got, err, f)
			}
		} else if err != nil && !errors.Is(err, ErrRange) {
			t.Fatalf("Int(%s) error %v", raw, err)
		}
	}
}
