package issuer

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseForm(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []param // nil with ok=false means rejected
		ok   bool
	}{
		{"empty", "", nil, true},
		{"one pair", "a=b", []param{{"a", "b"}}, true},
		{"plus is space", "a=b+c", []param{{"a", "b c"}}, true},
		{"percent", "a%20b=%41%62%2b", []param{{"a b", "Ab+"}}, true},
		{"no equals", "flag", []param{{"flag", ""}}, true},
		{"empty value", "a=", []param{{"a", ""}}, true},
		{"second equals kept", "a=b=c", []param{{"a", "b=c"}}, true},
		{"empty pairs skipped", "&a=1&&b=2&", []param{{"a", "1"}, {"b", "2"}}, true},
		{"repeats kept in order", "a=1&a=2", []param{{"a", "1"}, {"a", "2"}}, true},
		{"utf-8", "n=%C3%A9", []param{{"n", "é"}}, true},
		{"semicolon literal", "a=1;b=2", []param{{"a", "1;b=2"}}, true},
		{"bad hex", "a=%zz", nil, false},
		{"half escape", "a=%4", nil, false},
		{"trailing percent", "a=%", nil, false},
		{"bad escape in name", "%g1=x", nil, false},
		{"invalid utf-8", "a=%ff", nil, false},
		{"raw invalid utf-8", "a=\xff", nil, false},
		{"too many", strings.Repeat("a=1&", maxFormParams+1), nil, false},
		{"exactly the limit", strings.Repeat("&a=1", maxFormParams), repeatParam(param{"a", "1"}, maxFormParams), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, e := parseForm([]byte(tt.body))
			if (e == nil) != tt.ok {
				t.Fatalf("parseForm(%q) error = %v, want ok=%v", tt.body, e, tt.ok)
			}
			if e != nil {
				if e.Code != CodeInvalidRequest {
					t.Errorf("code = %s", e.Code)
				}
				return
			}
			if !reflect.DeepEqual(f.params, tt.want) {
				t.Errorf("parseForm(%q) = %q, want %q", tt.body, f.params, tt.want)
			}
		})
	}
}

func repeatParam(p param, n int) []param {
	out := make([]param, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func TestFormOne(t *testing.T) {
	f, _ := parseForm([]byte("a=1&b=&c=3&c=4&d=x"))
	for _, tt := range []struct {
		name, want string
		repeated   bool
	}{{"a", "1", false}, {"b", "", false}, {"c", "", true}, {"missing", "", false}} {
		v, e := f.one(tt.name)
		if v != tt.want || (e != nil) != tt.repeated {
			t.Errorf("one(%q) = %q, %v; want %q, repeated=%v", tt.name, v, e, tt.want, tt.repeated)
		}
	}
}

func TestParseBasic(t *testing.T) {
	tests := []struct {
		name, header, id, secret string
		ok                       bool
	}{
		{"plain", rawBasic("svc:pw"), "svc", "pw", true},
		{"colon in secret", rawBasic("svc:a:b"), "svc", "a:b", true},
		{"encoded colon in id", rawBasic("a%3Ab:pw"), "a:b", "pw", true},
		{"plus is space", rawBasic("a+b:c+d"), "a b", "c d", true},
		{"empty secret", rawBasic("svc:"), "svc", "", true},
		{"scheme case", "BASIC " + rawBasic("svc:pw")[6:], "svc", "pw", true},
		{"no padding", strings.TrimRight(rawBasic("svc:p"), "="), "svc", "p", true},
		{"empty id", rawBasic(":pw"), "", "", false},
		{"no colon", rawBasic("svc"), "", "", false},
		{"bad escape", rawBasic("svc:%x"), "", "", false},
		{"not utf-8", rawBasic("svc:%ff"), "", "", false},
		{"not base64", "Basic ***", "", "", false},
		{"wrong padding", "Basic c3Zj=", "", "", false},
		{"other scheme", "Bearer " + rawBasic("svc:pw")[6:], "", "", false},
		{"scheme only", "Basic", "", "", false},
		{"no space", "Basicc3ZjOnB3", "", "", false},
		{"oversize", rawBasic("svc:" + strings.Repeat("a", 2*maxCredentialLen)), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, secret, ok := parseBasic([]byte(tt.header))
			if ok != tt.ok || id != tt.id || secret != tt.secret {
				t.Errorf("parseBasic(%q) = %q, %q, %v; want %q, %q, %v", tt.header, id, secret, ok, tt.id, tt.secret, tt.ok)
			}
		})
	}
}

func TestGrantScope(t *testing.T) {
	allowed := []string{"read", "write", "admin"}
	tests := []struct {
		name, requested, want string
		ok                    bool
	}{
		{"omitted", "", "read write admin", true},
		{"one", "read", "read", true},
		{"canonical kept", "write read", "write read", true},
		{"duplicate", "read read", "read", true},
		{"spaces", " read  write ", "read write", true},
		{"only spaces", "   ", "read write admin", true},
		{"not allowed", "read delete", "", false},
		{"prefix of allowed", "rea", "", false},
		{"quote", `re"ad`, "", false},
		{"backslash", `re\ad`, "", false},
		{"tab", "read\twrite", "", false},
		{"non-ascii", "réad", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, e := grantScope(tt.requested, allowed)
			if (e == nil) != tt.ok || got != tt.want {
				t.Errorf("grantScope(%q) = %q, %v; want %q ok=%v", tt.requested, got, e, tt.want, tt.ok)
			}
			if e != nil && e.Code != CodeInvalidScope {
				t.Errorf("code %s", e.Code)
			}
		})
	}
	if got, e := grantScope("", nil); got != "" || e != nil {
		t.Errorf("scopeless client: %q, %v", got, e)
	}
}

// FuzzParseForm checks parseForm against net/url: whatever parseForm
// accepts, url.ParseQuery decodes to the same pairs.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"a=b", "a=%41&b=+", "grant_type=client_credentials&scope=a%20b", "&&x", "%zz", "a=%C3%A9", "a=1&a=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, e := parseForm([]byte(body))
		if e != nil {
			if e.Code != CodeInvalidRequest {
				t.Fatalf("code %s", e.Code)
			}
			return
		}
		for _, p := range got.params {
			if !utf8.ValidString(p.name) || !utf8.ValidString(p.value) {
				t.Fatalf("accepted invalid UTF-8 %q", p)
			}
		}
		if strings.Contains(body, ";") {
			return // net/url refuses semicolons; the WHATWG rules keep them
		}
		want, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("parseForm accepted %q, net/url: %v", body, err)
		}
		n := 0
		for _, vs := range want {
			n += len(vs)
		}
		if n != len(got.params) {
			t.Fatalf("%q: %d pairs, net/url %d", body, len(got.params), n)
		}
		idx := map[string]int{}
		for _, p := range got.params {
			if want[p.name][idx[p.name]] != p.value {
				t.Fatalf("%q: %s=%q, net/url %q", body, p.name, p.value, want[p.name])
			}
			idx[p.name]++
		}
	})
}
