package validator

import "testing"

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name, header, token string
		err                 *Error
	}{
		{"empty", "", "", nil},
		{"spaces only", "   ", "", nil},
		{"bearer", "Bearer abc.def.ghi", "abc.def.ghi", nil},
		{"case-insensitive scheme", "BEARER abc", "abc", nil},
		{"several spaces", "Bearer    abc", "abc", nil},
		{"surrounding whitespace", " \tBearer abc \t", "abc", nil},
		{"b64token alphabet", "Bearer aZ09-._~+/==", "aZ09-._~+/==", nil},
		{"basic", "Basic dXNlcjpwYXNz", "", nil},
		{"scheme prefix is not bearer", "Bearerx abc", "", nil},
		{"bearer alone", "Bearer", "", errBadHeader},
		{"bearer and spaces", "Bearer   ", "", errBadHeader},
		{"tab after scheme", "Bearer\tabc", "", errBadHeader},
		{"two tokens", "Bearer abc def", "", errBadHeader},
		{"padding in the middle", "Bearer ab=c", "", errBadHeader},
		{"only padding", "Bearer ==", "", errBadHeader},
		{"comma", "Bearer abc,def", "", errBadHeader},
		{"quote", `Bearer "abc"`, "", errBadHeader},
		{"control character", "Bearer abc\x00", "", errBadHeader},
		{"non-ASCII", "Bearer abcé", "", errBadHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := BearerToken([]byte(tt.header))
			if string(tok) != tt.token || err != tt.err {
				t.Fatalf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, tok, err, tt.token, tt.err)
			}
		})
	}
}

// TestBearerFastPath checks that the one-comparison path of
// bearerCredentials answers exactly as the general one around its edges.
func TestBearerFastPath(t *testing.T) {
	schemes := []string{"Bearer", "bearer", "BEARER", "bEaReR", "Bearex", "Bearer\x00", "Bearer\t", "B\xc3arer", "Bear", "Bearers", "bearer\x00", "\x02EARER", "Bearer="}
	seps := []string{" ", "  ", "\t", "", " \t", "\x00"}
	toks := []string{"abc.def.ghi", "a", "abc ", "abc\t", " abc", "", "a b", "\t", "ab==", "é"}
	for _, lead := range []string{"", " ", "\t"} {
		for _, sc := range schemes {
			for _, sep := range seps {
				for _, tok := range toks {
					h := []byte(lead + sc + sep + tok)
					got, gb := bearerCredentials(h)
					want, wb := bearerCredentialsSlow(h)
					if gb != wb || string(got) != string(want) {
						t.Errorf("bearerCredentials(%q) = %q, %v; general path %q, %v", h, got, gb, want, wb)
					}
				}
			}
		}
	}
}

func TestAppendChallenge(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{nil, `Bearer realm="api"`},
		{errExpired, `Bearer realm="api", error="invalid_token", error_description="token expired"`},
		{errBadHeader, `Bearer realm="api", error="invalid_request", error_description="malformed authorization header"`},
		{&Error{Code: InsufficientScope, Description: "insufficient scope", Scope: "read admin"},
			`Bearer realm="api", error="insufficient_scope", error_description="insufficient scope", scope="read admin"`},
		{&Error{Code: InvalidToken, Description: "a \"quoted\"\r\n\\ thing"},
			`Bearer realm="api", error="invalid_token", error_description="a \"quoted\"\\ thing"`},
	}
	for _, tt := range tests {
		if got := string(AppendChallenge(nil, "api", tt.err)); got != tt.want {
			t.Errorf("AppendChallenge(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
	for c, want := range map[Code]int{InvalidRequest: 400, InvalidToken: 401, InsufficientScope: 403} {
		if c.Status() != want {
			t.Errorf("%v.Status() = %d", c, c.Status())
		}
	}
}

func TestCanonicalPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/": true, "/a": true, "/a/": true, "/a/b.c": true, "/a/.b": true, "/a/..b": true, "/a%20b": true, "/a%C3%A9": true,
		"": false, "a": false, "//": false, "//a": false, "/a//b": false, "/.": false, "/./a": false, "/a/.": false,
		"/..": false, "/a/../b": false, "/a/..": false, `/a\b`: false, "/a%2fb": false, "/a%2Fb": false,
		"/%2e%2e/a": false, "/a%5cb": false, "/%2E": false,
		"/a%2": false, "/a%zzb": false, "/%61dmin": false, "/a%7E": false, "/a%2D": false,
	} {
		if cut, got := canonicalPath([]byte(path)); got != want || got && string(cut) != path {
			t.Errorf("canonicalPath(%q) = %q, %v, want %v", path, cut, got, want)
		}
	}
	// The query or fragment is cut off first; what precedes it is judged.
	for _, tt := range []struct {
		path, cut string
		ok        bool
	}{
		{"/a?b", "/a", true},
		{"/a#b", "/a", true},
		{"/a/?x=//..", "/a/", true},
		{"/a?x#y", "/a", true},
		{"/?", "/", true},
		{"/a/..?x", "", false},
		{"/a//b?x", "", false},
		{"?x", "", false},
		{"#x", "", false},
		{"/a%2?x", "", false},
		{"/a%?x", "", false},
		{`/a\b?x`, "", false},
		{`/a?x\y`, "/a", true},
	} {
		if cut, ok := canonicalPath([]byte(tt.path)); ok != tt.ok || string(cut) != tt.cut {
			t.Errorf("canonicalPath(%q) = %q, %v, want %q, %v", tt.path, cut, ok, tt.cut, tt.ok)
		}
	}
}

func TestRoutes(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"issuer":"i","audiences":["a"],"jwks_url":"https://i","scopes":["read"],"routes":[
		{"method":"POST","path":"/admin/*","scopes":["admin"]},
		{"path":"/reports","scopes":["reports","read"]},
		{"method":"*","path":"/*","scopes":["any"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path, scope string // scope: the denial's scope attribute
	}{
		{"POST", "/admin", "read admin"},
		{"POST", "/admin/", "read admin"},
		{"POST", "/admin/a/b", "read admin"},
		{"POST", "/administrator", "read any"},
		{"GET", "/admin/a", "read any"},
		{"GET", "/reports", "read reports"},
		{"GET", "/reports/x", "read any"},
		{"post", "/admin", "read any"},
		{"GET", "/reports?q=1", "read reports"},
		{"HEAD", "/reports", "read reports"}, // a GET route covers HEAD
		{"GET", "/reports/", "read reports"},
		{"POST", "/admin;jsessionid=1", "read admin"},
		{"POST", "/admin;x/y", "read admin"},
		{"POST", "/admin;x;y=1/y;z", "read admin"},
		{"GET", "/reports;v=1", "read reports"},
		{"GET", "/reports;v=1?q=;x", "read reports"},
		{"POST", "/administrator;x", "read any"},
	}
	for _, tt := range tests {
		r, err := v.route([]byte(tt.method), []byte(tt.path))
		if err != nil || r.scopeErr.Scope != tt.scope {
			t.Errorf("%s %s: route %+v, err %v; want scope %q", tt.method, tt.path, r, err, tt.scope)
		}
	}
	// Without their parameters these paths are not canonical.
	for _, path := range []string{"/public/..;/admin/x", "/;x/admin", "/a/.;x/b", "/admin;x/..;y/z"} {
		if _, err := v.route([]byte("POST"), []byte(path)); err != errBadPath {
			t.Errorf("POST %s: %v, want errBadPath", path, err)
		}
	}
}

func TestHasScope(t *testing.T) {
	for _, tt := range []struct {
		claim, scope string
		want         bool
	}{
		{"read", "read", true}, {"read write", "write", true}, {"read write", "read", true},
		{"reader", "read", false}, {"xread", "read", false}, {"", "read", false},
		{"read  write", "write", true}, {"write read ", "read", true},
	} {
		if got := hasScope([]byte(tt.claim), tt.scope); got != tt.want {
			t.Errorf("hasScope(%q, %q) = %v", tt.claim, tt.scope, got)
		}
	}
}
