package issuer

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// handleAuthorize serves GET and POST {issuer}/authorize/ (RFC 6749 §3.1,
// OpenID Connect Core §3.1.2.1).
//
// A GET, or a POST without csrf_token (an authorization request sent as a
// form, which OpenID Connect allows), is an authorization request. A POST
// with csrf_token is the consent page's answer. In both, client_id and
// redirect_uri are checked first, and a failure gets an HTML 400 page: a
// redirect would hand the response to an unverified URI. Every later
// failure goes to the redirect URI as error, error_description, state and
// iss (RFC 9207). Redirects after a POST are 303 See Other.
func (b *browser) handleAuthorize(ctx *fasthttp.RequestCtx) {
	var f form
	if ctx.IsPost() {
		var ok bool
		if f, ok = b.postedForm(ctx); !ok {
			return
		}
		if hasParam(&f, csrfField) {
			b.consentAnswer(ctx, &f)
			return
		}
	} else {
		var e *Error
		if f, e = parseForm(ctx.URI().QueryString()); e != nil {
			b.badAuthzRequest(ctx, "The authorization request is malformed.")
			return
		}
	}
	r, ok := b.checkClient(ctx, &f)
	if !ok {
		return
	}
	if ae := r.parse(&f); ae != nil {
		b.redirectError(ctx, r, ae)
		return
	}
	if ae := b.checkIDTokenHint(r, &f); ae != nil {
		b.redirectError(ctx, r, ae)
		return
	}
	sess, err := b.currentSession(ctx)
	if err != nil {
		b.s.log.Error("issuer: reading session", "err", err)
		b.redirectError(ctx, r, authzErr(CodeServerError, "session lookup failed"))
		return
	}
	if b.needsLogin(r, sess) {
		if r.promptNone {
			b.redirectError(ctx, r, authzErr(CodeLoginRequired, "the user is not signed in"))
			return
		}
		b.redirect(ctx, b.redirectStatus(ctx), b.loginURL(b.authorizeURLForLogin(&f)))
		return
	}
	show, err := b.needsConsent(r, sess)
	if err != nil {
		b.s.log.Error("issuer: reading consent", "err", err)
		b.redirectError(ctx, r, authzErr(CodeServerError, "consent lookup failed"))
		return
	}
	if !show {
		b.issue(ctx, r, sess)
		return
	}
	if r.promptNone {
		b.redirectError(ctx, r, authzErr(CodeConsentRequired, "the user has not consented"))
		return
	}
	b.showConsent(ctx, r, sess)
}

// checkClient reads client_id and redirect_uri and checks them, answering
// the HTML 400 page itself when they fail.
func (b *browser) checkClient(ctx *fasthttp.RequestCtx, f *form) (*authzRequest, bool) {
	id, e1 := f.one("client_id")
	sent, e2 := f.one("redirect_uri")
	if e1 != nil || e2 != nil {
		b.badAuthzRequest(ctx, "The client_id or redirect_uri parameter is repeated.")
		return nil, false
	}
	if id == "" {
		b.badAuthzRequest(ctx, "The client_id parameter is missing.")
		return nil, false
	}
	c, err := b.s.clients.Client(id)
	if errors.Is(err, store.ErrNotFound) {
		b.badAuthzRequest(ctx, "The application is not registered here.")
		return nil, false
	}
	if err != nil {
		b.s.log.Error("issuer: client lookup failed", "err", err)
		b.renderMessage(ctx, fasthttp.StatusInternalServerError, "Error", "The request failed because of a server error. Please try again later.")
		return nil, false
	}
	uri, ok := resolveRedirectURI(c, sent)
	if !ok {
		msg := "The redirect_uri does not match any registered for this application."
		if sent == "" {
			msg = "The redirect_uri parameter is missing, and the application has not registered exactly one."
		}
		b.badAuthzRequest(ctx, msg)
		return nil, false
	}
	return &authzRequest{client: c, redirectURI: uri, sentURI: sent}, true
}

// badAuthzRequest answers a request we cannot redirect back with an HTML
// 400 page.
func (b *browser) badAuthzRequest(ctx *fasthttp.RequestCtx, msg string) {
	b.renderMessage(ctx, fasthttp.StatusBadRequest, "Invalid authorization request", msg,
		"Return to the application and try again, or contact its developers.")
}

// needsLogin reports whether the user must (re-)authenticate: no session,
// prompt=login, a session older than max_age (whole seconds, so
// max_age=0 is met by a login in the same second), or a session of another
// user than id_token_hint names (OpenID Connect Core §3.1.2.1: with
// prompt=none that is login_required).
func (b *browser) needsLogin(r *authzRequest, sess *loginSession) bool {
	if sess == nil || r.promptLogin || (r.hintSub != "" && sess.user.ID != r.hintSub) {
		return true
	}
	if r.maxAge >= 0 {
		age := int64(b.s.cfg.Now().Sub(sess.rec.AuthTime).Seconds())
		return age > r.maxAge
	}
	return false
}

// authorizeURLForLogin is the authorization request to resume after the
// login page: the same parameters as a GET, minus prompt=login, max_age
// and id_token_hint (else the fresh login would be demanded again: forever
// for prompt=login or a user signing in as someone else than the hint
// names, and for max_age=0 whenever the redirect back lands in the next
// second of auth_time). The login the page performs satisfies them all.
func (b *browser) authorizeURLForLogin(f *form) string {
	var q strings.Builder
	for _, p := range f.params {
		v := p.value
		if p.name == "max_age" || p.name == "id_token_hint" {
			continue
		}
		if p.name == "prompt" {
			var keep []string
			for _, x := range strings.Fields(v) {
				if x != "login" {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				continue
			}
			v = strings.Join(keep, " ")
		}
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		q.WriteString(url.QueryEscape(p.name))
		q.WriteByte('=')
		q.WriteString(url.QueryEscape(v))
	}
	return b.s.path("authorize/") + "?" + q.String()
}

// redirectStatus is 303 after a POST and 302 after a GET.
func (b *browser) redirectStatus(ctx *fasthttp.RequestCtx) int {
	if ctx.IsPost() {
		return fasthttp.StatusSeeOther
	}
	return fasthttp.StatusFound
}

// redirectError sends an error authorization response (RFC 6749 §4.1.2.1)
// to the checked redirect URI, with state and iss.
func (b *browser) redirectError(ctx *fasthttp.RequestCtx, r *authzRequest, ae *authzError) {
	ps := []param{{"error", ae.code}}
	if ae.desc != "" {
		ps = append(ps, param{"error_description", sanitizeErrorText(ae.desc)})
	}
	b.redirectResponse(ctx, r, ps)
}

// redirectResponse sends an authorization response: params, then state
// when the request had one, then iss, in the query or the fragment of the
// redirect URI or in a form posted to it, as the response mode says. A
// query the registered URI already has is kept (RFC 6749 §3.1.2).
func (b *browser) redirectResponse(ctx *fasthttp.RequestCtx, r *authzRequest, ps []param) {
	if r.state != "" {
		ps = append(ps, param{"state", r.state})
	}
	ps = append(ps, param{"iss", b.s.cfg.Issuer})
	if r.responseMode == modeFormPost {
		b.formPost(ctx, r.redirectURI, ps)
		return
	}
	var loc strings.Builder
	loc.WriteString(r.redirectURI)
	sep := byte('#')
	if r.responseMode == modeQuery {
		sep = '?'
		if strings.Contains(r.redirectURI, "?") {
			sep = '&'
			if strings.HasSuffix(r.redirectURI, "?") || strings.HasSuffix(r.redirectURI, "&") {
				sep = 0
			}
		}
	}
	if sep != 0 {
		loc.WriteByte(sep)
	}
	for i, p := range ps {
		if i > 0 {
			loc.WriteByte('&')
		}
		loc.WriteString(url.QueryEscape(p.name))
		loc.WriteByte('=')
		loc.WriteString(url.QueryEscape(p.value))
	}
	b.redirect(ctx, b.redirectStatus(ctx), loc.String())
}
