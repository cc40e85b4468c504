package issuer

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cookieNamed returns the Set-Cookie of name in r, or nil.
func cookieNamed(r *tresp, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// wantPageHeaders asserts the headers every HTML page carries.
func wantPageHeaders(t *testing.T, r *tresp) {
	t.Helper()
	h := r.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: X-Frame-Options %q, Cache-Control %q, X-Content-Type-Options %q",
			h.Get("X-Frame-Options"), h.Get("Cache-Control"), h.Get("X-Content-Type-Options"))
	}
	if ct := h.Get("Content-Type"); r.StatusCode != 303 && r.StatusCode != 302 && ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// TestLoginPageAccessible: the login form is plain, labelled, script-free HTML.
func TestLoginPageAccessible(t *testing.T) {
	h := newBH(t, Config{})
	r := h.browser().get("/o/login/")
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
	wantPageHeaders(t, r)
	for _, want := range []string{
		`<html lang="en">`,
		`<label for="username">`, `<input id="username" name="username" type="text"`, `autocomplete="username"`,
		`<label for="password">`, `<input id="password" name="password" type="password"`, `autocomplete="current-password"`,
		`<input type="hidden" name="csrf_token" value="`, `<button type="submit">Sign in</button>`,
		`<link rel="stylesheet" href="/o/static/style.css">`, `<title>Sign in · Tollgate</title>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)<script|\son[a-z]+=|style=|javascript:`).MatchString(r.body) {
		t.Errorf("login page carries script or inline style:\n%s", r.body)
	}
	c := cookieNamed(r, csrfCookie)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/o/" || c.Secure || len(c.Value) != 43 {
		t.Errorf("CSRF cookie = %+v", c)
	}
	if f := formFields(r.body); f.Get(csrfField) != c.Value {
		t.Errorf("form token %q, cookie %q", f.Get(csrfField), c.Value)
	}
	css := h.browser().get("/o/static/style.css")
	if css.StatusCode != 200 || css.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(css.body, "body") {
		t.Errorf("stylesheet: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}
}

// TestLoginSessionCookie: a good login sets the session cookie (random,
// HttpOnly, SameSite=Lax, Path=/o/) and stores the session hashed.
func TestLoginSessionCookie(t *testing.T) {
	h := newBH(t, Config{})
	b := h.browser()
	r := b.login("/o/authorize/?client_id=x", "alice", bhPassword)
	if r.StatusCode != 303 || r.Header.Get("Location") != testOrigin+"/o/authorize/?client_id=x" {
		t.Fatalf("login answer %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	wantPageHeaders(t, r)
	c := cookieNamed(r, sessionCookie)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/o/" || c.Secure || !validRandomToken([]byte(c.Value)) {
		t.Fatalf("session cookie = %+v", c)
	}
	s, err := h.db.Session(c.Value)
	if err != nil || s.UserID != h.alice.ID || !s.AuthTime.Equal(h.clock.Now()) {
		t.Fatalf("stored session %+v, %v", s, err)
	}
	if !s.Expires.Equal(h.clock.Now().Add(sessionIdleTimeout)) {
		t.Errorf("session expires %v, want idle timeout from now", s.Expires)
	}
	if p := b.get("/o/login/"); !strings.Contains(p.body, "You are signed in as <strong>alice</strong>") {
		t.Errorf("login page does not show the session:\n%s", p.body)
	}

	// A second login replaces the session id and deletes the old session.
	b.mustLogin()
	if nc := b.cookie(sessionCookie); nc == c.Value || nc == "" {
		t.Errorf("session id not rotated on login")
	}
	if _, err := h.db.Session(c.Value); err == nil {
		t.Errorf("old session still stored after a new login")
	}
}

// TestSessionCookieSecureOverHTTPS: with an https issuer both cookies are Secure.
func TestSessionCookieSecureOverHTTPS(t *testing.T) {
	h := newBH(t, Config{Issuer: "https://issuer.test/o"})
	b := h.browser()
	page := b.get("https://issuer.test/o/login/")
	if c := cookieNamed(page, csrfCookie); c == nil || !c.Secure {
		t.Fatalf("CSRF cookie over https = %+v", c)
	}
	f := formFields(page.body)
	f.Set("username", "alice")
	f.Set("password", bhPassword)
	b.header.Set("Origin", "https://issuer.test")
	r := b.post("https://issuer.test/o/login/", f)
	if c := cookieNamed(r, sessionCookie); r.StatusCode != 303 || c == nil || !c.Secure || !c.HttpOnly {
		t.Fatalf("login over https: %d, cookie %+v\n%s", r.StatusCode, c, r.body)
	}
	if loc := r.Header.Get("Location"); loc != "https://issuer.test/o/login/" {
		t.Errorf("Location = %q", loc)
	}
}

// TestLoginGenericFailure: a wrong password and an unknown user get the
// same answer, and neither sets a session.
func TestLoginGenericFailure(t *testing.T) {
	h := newBH(t, Config{})
	tests := []struct{ name, user, pass string }{
		{"wrong password", "alice", "wrong"},
		{"unknown user", "mallory", bhPassword},
		{"oversized username", strings.Repeat("a", 300), "x"},
		{"markup in username", `"><script>alert(1)</script>`, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.browser().login("", tt.user, tt.pass)
			if r.StatusCode != 200 || alertOf(r.body) != msgBadLogin {
				t.Errorf("status %d alert %q", r.StatusCode, alertOf(r.body))
			}
			if cookieNamed(r, sessionCookie) != nil {
				t.Error("failed login set a session cookie")
			}
			if strings.Contains(r.body, "<script") {
				t.Error("the username is reflected unescaped")
			}
		})
	}
	if r := h.browser().login("", "alice", ""); alertOf(r.body) != msgMissing {
		t.Errorf("empty password: alert %q", alertOf(r.body))
	}
}

// TestLoginUnknownUserCostsArgon2: an unknown username takes as long as a
// wrong password (both run argon2id), so timing does not enumerate users.
func TestLoginUnknownUserCostsArgon2(t *testing.T) {
	h := newBH(t, Config{})
	timeLogin := func(user string) time.Duration {
		best := time.Hour
		for i := 0; i < 3; i++ {
			b := h.browser()
			page := b.get("/o/login/")
			f := formFields(page.body)
			f.Set("username", user)
			f.Set("password", "wrong password")
			start := time.Now()
			b.post("/o/login/", f)
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := timeLogin("alice"), timeLogin("nobody-here")
	if unknown < known/3 {
		t.Errorf("unknown user answered in %v, a wrong password in %v: the argon2id run is skipped", unknown, known)
	}
}

// TestLoginCSRF: a login POST needs the form token matching its cookie and
// must not come from another origin.
func TestLoginCSRF(t *testing.T) {
	h := newBH(t, Config{})
	tests := []struct {
		name   string
		token  func(string) string // from the page's token
		header map[string]string
		want   int
	}{
		{"valid", func(s string) string { return s }, nil, 303},
		{"valid with same Origin", func(s string) string { return s }, map[string]string{"Origin": testOrigin}, 303},
		{"missing token", func(string) string { return "" }, nil, 403},
		{"wrong token", func(s string) string { return strings.Repeat("A", len(s)) }, nil, 403},
		{"foreign Origin", func(s string) string { return s }, map[string]string{"Origin": "https://evil.example"}, 403},
		{"null Origin", func(s string) string { return s }, map[string]string{"Origin": "null"}, 403},
		{"cross-site fetch", func(s string) string { return s }, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.browser()
			page := b.get("/o/login/")
			f := formFields(page.body)
			f.Set(csrfField, tt.token(f.Get(csrfField)))
			f.Set("username", "alice")
			f.Set("password", bhPassword)
			for k, v := range tt.header {
				b.header.Set(k, v)
			}
			r := b.post("/o/login/", f)
			if r.StatusCode != tt.want {
				t.Fatalf("status %d, want %d\n%s", r.StatusCode, tt.want, r.body)
			}
			if tt.want == 403 && (alertOf(r.body) != msgExpired || cookieNamed(r, sessionCookie) != nil) {
				t.Errorf("refused login: alert %q, cookies %v", alertOf(r.body), r.Cookies())
			}
		})
	}
	// A cookie-less POST (the attacker's own token) is refused too.
	b := h.browser()
	f := formFields(b.get("/o/login/").body)
	other := h.browser()
	f.Set("username", "alice")
	f.Set("password", bhPassword)
	if r := other.post("/o/login/", f); r.StatusCode != 403 {
		t.Errorf("token without its cookie: status %d", r.StatusCode)
	}
}

// TestLoginThrottled: per username and per source address, 429 with
// Retry-After and the form, before any password check.
func TestLoginThrottled(t *testing.T) {
	t.Run("per username", func(t *testing.T) {
		h := newBH(t, Config{Flows: FlowConfig{LoginRateLimit: RateLimit{Rate: 0.001, Burst: 2}}})
		for i := 0; i < 2; i++ {
			if r := h.browser().login("", "alice", "wrong"); r.StatusCode != 200 {
				t.Fatalf("attempt %d: status %d", i, r.StatusCode)
			}
		}
		r := h.browser().login("", "alice", bhPassword)
		if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" || !strings.HasPrefix(alertOf(r.body), msgThrottled) {
			t.Fatalf("third attempt: status %d, Retry-After %q, alert %q", r.StatusCode, r.Header.Get("Retry-After"), alertOf(r.body))
		}
		if !strings.Contains(r.body, `name="password"`) || cookieNamed(r, sessionCookie) != nil {
			t.Error("throttled answer is not the login form, or logged in")
		}
		if r := h.browser().login("", "bob", "x"); r.StatusCode != 200 {
			t.Errorf("another username is throttled too: %d", r.StatusCode)
		}
	})
	t.Run("per address", func(t *testing.T) {
		h := newBH(t, Config{Flows: FlowConfig{LoginAddrRateLimit: RateLimit{Rate: 0.001, Burst: 2}}})
		for i, user := range []string{"u1", "u2"} {
			if r := h.browser().login("", user, "x"); r.StatusCode != 200 {
				t.Fatalf("attempt %d: status %d", i, r.StatusCode)
			}
		}
		if r := h.browser().login("", "u3", "x"); r.StatusCode != 429 {
			t.Fatalf("third username from one address: status %d", r.StatusCode)
		}
	})
}

// TestLoginNextSameOriginOnly: after login the browser goes only to a path
// below /o/; anything else falls back to the login page.
func TestLoginNextSameOriginOnly(t *testing.T) {
	h := newBH(t, Config{})
	b := &browser{s: h.srv}
	tests := []struct{ next, want string }{
		{"/o/authorize/?client_id=a&state=x%20y", "/o/authorize/?client_id=a&state=x%20y"},
		{"/o/login/", "/o/login/"},
		{"", ""},
		{"https://evil.example/o/", ""},
		{"//evil.example/o/", ""},
		{"/\\evil.example", ""},
		{"/o/../admin", ""},
		{"/o/%2e%2e/admin", ""},
		{"/o//x", ""},
		{"/other/", ""},
		{"/o", ""},
		{"javascript:alert(1)", ""},
		{"/o/login/\r\nSet-Cookie: x=y", ""},
		{"/o/x#frag", ""},
		{"o/login/", ""},
	}
	for _, tt := range tests {
		if got := b.safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
	r := h.browser().login("https://evil.example/", "alice", bhPassword)
	if r.StatusCode != 303 || r.Header.Get("Location") != testOrigin+"/o/login/" {
		t.Errorf("login with a foreign next: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestSessionExpiry: a session dies after sessionIdleTimeout without use,
// and sessionMaxAge after login however busy it is.
func TestSessionExpiry(t *testing.T) {
	signedIn := func(b *tbrowser) bool {
		return strings.Contains(b.get("/o/login/").body, "You are signed in as")
	}
	t.Run("idle", func(t *testing.T) {
		h := newBH(t, Config{})
		b := h.browser()
		b.mustLogin()
		h.clock.Advance(sessionIdleTimeout - time.Minute)
		if !signedIn(b) {
			t.Fatal("session gone before its idle timeout")
		}
		h.clock.Advance(sessionIdleTimeout - time.Minute) // slid forward by the last use
		if !signedIn(b) {
			t.Fatal("use did not extend the idle timeout")
		}
		h.clock.Advance(sessionIdleTimeout + time.Second)
		if signedIn(b) {
			t.Fatal("session outlived its idle timeout")
		}
	})
	t.Run("absolute", func(t *testing.T) {
		h := newBH(t, Config{})
		b := h.browser()
		b.mustLogin()
		for elapsed := time.Duration(0); elapsed < sessionMaxAge-sessionIdleTimeout; elapsed += sessionIdleTimeout / 2 {
			h.clock.Advance(sessionIdleTimeout / 2)
			if !signedIn(b) {
				t.Fatalf("busy session gone after %v", elapsed)
			}
		}
		h.clock.Advance(sessionIdleTimeout)
		if signedIn(b) {
			t.Fatal("session outlived sessionMaxAge")
		}
	})
}

// TestLogout: logout is a POST with the CSRF token; it deletes the session
// and clears the cookie.
func TestLogout(t *testing.T) {
	h := newBH(t, Config{})
	b := h.browser()
	b.mustLogin()
	id := b.cookie(sessionCookie)
	if r := b.post("/o/logout/", url.Values{}); r.StatusCode != 403 {
		t.Fatalf("logout without token: status %d", r.StatusCode)
	}
	if _, err := h.db.Session(id); err != nil {
		t.Fatal("a logout without CSRF token ended the session")
	}
	page := b.get("/o/login/") // the signed-in page has the sign-out form
	f := formFields(page.body)
	if !strings.Contains(page.body, `action="/o/logout/"`) || f.Get(csrfField) == "" {
		t.Fatalf("no sign-out form:\n%s", page.body)
	}
	r := b.post("/o/logout/", f)
	if r.StatusCode != 200 || !strings.Contains(r.body, "You are signed out.") {
		t.Fatalf("logout: %d\n%s", r.StatusCode, r.body)
	}
	wantPageHeaders(t, r)
	if c := cookieNamed(r, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("session cookie not cleared: %+v", c)
	}
	if _, err := h.db.Session(id); err == nil {
		t.Error("session still stored after logout")
	}
	if b.cookie(sessionCookie) != "" {
		t.Error("browser still holds the session cookie")
	}
}

// usernameRE finds the value of the login form's username field.
var usernameRE = regexp.MustCompile(`<input id="username" name="username" type="text" value="([^"]*)"`)

// TestLogoutStoreFailure: when the session cannot be deleted, logout says
// so and leaves the cookie: it never claims a sign-out that did not happen.
func TestLogoutStoreFailure(t *testing.T) {
	h := newBH(t, Config{})
	b := h.browser()
	b.mustLogin()
	f := formFields(b.get("/o/login/").body)
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	r := b.post("/o/logout/", f)
	if r.StatusCode != 500 || strings.Contains(r.body, "You are signed out.") || cookieNamed(r, sessionCookie) != nil {
		t.Errorf("logout with the store down: %d, Set-Cookie %+v\n%s", r.StatusCode, cookieNamed(r, sessionCookie), r.body)
	}
}

// TestLoginHint: the login page fills in the username from the OpenID
// Connect login_hint of the authorization request it continues, escaped;
// an implausible hint, a repeated one or one on a foreign next is ignored.
func TestLoginHint(t *testing.T) {
	h := newBH(t, Config{})
	page := func(next string) string {
		t.Helper()
		r := h.browser().get("/o/login/?next=" + url.QueryEscape(next))
		if r.StatusCode != 200 {
			t.Fatalf("status %d", r.StatusCode)
		}
		m := usernameRE.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no username field:\n%s", r.body)
		}
		return html.UnescapeString(m[1])
	}
	for _, tt := range []struct{ next, want string }{
		{"/o/authorize/?client_id=x&login_hint=alice", "alice"},
		{"/o/authorize/?client_id=x&login_hint=%22%3E%3Cscript%3E", `"><script>`}, // a value, escaped by the template
		{"/o/authorize/?client_id=x", ""},
		{"/o/authorize/?client_id=x&login_hint=a&login_hint=b", ""},
		{"/o/authorize/?client_id=x&login_hint=" + strings.Repeat("a", maxPasswordGrantUsername+1), ""},
		{"/o/authorize/?client_id=x&login_hint=%ff", ""},
		{"https://evil.example/o/authorize/?login_hint=alice", ""},
	} {
		if got := page(tt.next); got != tt.want {
			t.Errorf("next %q: username field %q, want %q", tt.next, got, tt.want)
		}
	}
	r := h.browser().get("/o/login/?next=" + url.QueryEscape(`/o/authorize/?login_hint="><b>x</b>`))
	if strings.Contains(r.body, "<b>x</b>") {
		t.Error("login_hint reached the page unescaped")
	}
}
