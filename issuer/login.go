package issuer

import (
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fasthttp"
)

// Messages of the login page. A failed login never says whether the
// username exists.
const (
	msgBadLogin  = "Invalid username or password."
	msgMissing   = "Enter your username and password."
	msgExpired   = "The form expired. Please try again."
	msgThrottled = "Too many sign-in attempts. Try again in "
)

// handleLogin serves GET and POST {issuer}/login/.
func (b *browser) handleLogin(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		q, e := parseForm(ctx.URI().QueryString())
		if e != nil {
			b.renderMessage(ctx, fasthttp.StatusBadRequest, "Bad request", "The sign-in link is malformed.")
			return
		}
		next, _ := q.one("next")
		next = b.safeNext(next)
		b.showLogin(ctx, fasthttp.StatusOK, next, loginHint(next), "")
		return
	}
	b.login(ctx)
}

// loginHint returns the OpenID Connect login_hint of the authorization
// request next continues, to fill in the username; "" if there is none or
// it cannot be a username. It is only a hint: the user may sign in as
// anyone.
func loginHint(next string) string {
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(q["login_hint"]) != 1 {
		return ""
	}
	h := q.Get("login_hint")
	if len(h) > maxPasswordGrantUsername || !utf8.ValidString(h) {
		return ""
	}
	return h
}

// showLogin renders the login form.
func (b *browser) showLogin(ctx *fasthttp.RequestCtx, status int, next, username, alert string) {
	lp := &loginPage{Action: b.s.path("login/"), LogoutAction: b.s.path("logout/"), Next: next, Username: username}
	if sess, err := b.currentSession(ctx); err == nil && sess != nil {
		lp.SignedInAs = sess.user.Username
	}
	title := "Sign in"
	if lp.SignedInAs != "" && next == "" {
		title = "Signed in"
	}
	b.renderPage(ctx, status, "login", &page{Title: title, Alert: alert, CSRF: b.csrfToken(ctx), Login: lp})
}

// login checks a POSTed login form and, on success, starts a session and
// answers 303 to next (or to the login page, which then says who is signed
// in).
//
// In order: the CSRF check (403), then the login throttle, shared with the
// password grant (Server.throttleLogin: per username and per source
// address, taken before the password is checked, so guessing is slow
// whether it targets one account or sprays many; 429 with Retry-After and
// the form), then the password (Server.checkPassword: an unknown user costs
// the same argon2id run, and the answer is the same "Invalid username or
// password."). The throttle is a security control, so
// Config.InsecureNoRateLimit leaves it on.
func (b *browser) login(ctx *fasthttp.RequestCtx) {
	f, ok := b.postedForm(ctx)
	if !ok {
		return
	}
	next, _ := f.one("next")
	next = b.safeNext(next)
	username, e1 := f.one("username")
	password, e2 := f.one("password")
	if !b.checkCSRF(ctx, &f) {
		b.showLogin(ctx, fasthttp.StatusForbidden, next, username, msgExpired)
		return
	}
	if e1 != nil || e2 != nil {
		b.showLogin(ctx, fasthttp.StatusBadRequest, next, "", msgMissing)
		return
	}
	if e := b.s.throttleLogin(b.s.clientAddr(ctx), username); e != nil {
		ctx.Response.Header.Set(fasthttp.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
		b.showLogin(ctx, fasthttp.StatusTooManyRequests, next, username, msgThrottled+pluralSeconds(e.RetryAfter)+".")
		return
	}
	if username == "" || password == "" {
		b.showLogin(ctx, fasthttp.StatusOK, next, username, msgMissing)
		return
	}
	u, ok, err := b.s.checkPassword(username, password)
	switch {
	case err != nil:
		b.s.log.Error("issuer: login", "err", err)
		b.renderMessage(ctx, fasthttp.StatusInternalServerError, "Error", "Sign-in failed because of a server error. Please try again later.")
		return
	case !ok:
		b.showLogin(ctx, fasthttp.StatusOK, next, username, msgBadLogin)
		return
	}
	if _, err := b.startSession(ctx, u); err != nil {
		b.s.log.Error("issuer: creating session", "err", err)
		b.renderMessage(ctx, fasthttp.StatusInternalServerError, "Error", "Sign-in failed because of a server error. Please try again later.")
		return
	}
	if next == "" {
		next = b.s.path("login/")
	}
	b.redirect(ctx, fasthttp.StatusSeeOther, b.origin+next)
}

// safeNext returns next when it is safe to continue to after login: a path
// (no scheme, no host, not protocol-relative) below the issuer's own, with
// no dot segments, backslashes or control characters, so a crafted link
// cannot turn the login page into an open redirect. Otherwise "".
func (b *browser) safeNext(next string) string {
	base := b.s.prefix + "/"
	if next == "" || len(next) > 8192 || !strings.HasPrefix(next, base) || strings.HasPrefix(next, "//") {
		return ""
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x21 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return ""
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	if clean != u.Path || !strings.HasPrefix(clean, base) {
		return ""
	}
	return next
}

// loginURL returns the login page's URL continuing to next.
func (b *browser) loginURL(next string) string {
	return b.origin + b.s.path("login/") + "?next=" + url.QueryEscape(next)
}

// postedForm parses a form POST body, answering 400 itself when it is not
// one.
func (b *browser) postedForm(ctx *fasthttp.RequestCtx) (form, bool) {
	if !isFormContentType(ctx.Request.Header.ContentType()) {
		b.renderMessage(ctx, fasthttp.StatusUnsupportedMediaType, "Bad request", "The form was not sent as "+formContentType+".")
		return form{}, false
	}
	f, e := parseForm(ctx.PostBody())
	if e != nil {
		b.renderMessage(ctx, fasthttp.StatusBadRequest, "Bad request", "The form is malformed.")
		return form{}, false
	}
	return f, true
}

// redirect answers status (302 or 303) with Location loc and the page
// headers (no caching, no referrer beyond our origin).
func (b *browser) redirect(ctx *fasthttp.RequestCtx, status int, loc string) {
	setPageHeaders(ctx)
	ctx.Response.Header.Set(fasthttp.HeaderLocation, loc)
	ctx.SetStatusCode(status)
}

func pluralSeconds(n int) string {
	if n == 1 {
		return "1 second"
	}
	return strconv.Itoa(n) + " seconds"
}
