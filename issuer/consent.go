package issuer

import (
	"errors"
	"net/url"
	"slices"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// The consent page is Django OAuth Toolkit's AllowForm: the validated
// request travels in hidden fields (client_id, redirect_uri, response_type,
// state, scope, code_challenge, code_challenge_method, nonce, plus
// response_mode when sent, and the CSRF token) and is POSTed back to
// {issuer}/authorize/. The submit button named "allow" grants; any other
// submission denies (error=access_denied). The POST is checked in full
// again — the hidden fields are the browser's, not ours.

// needsConsent reports whether the consent page must be shown: always with
// prompt=consent; never for a client with SkipAuthorization; otherwise
// unless approval_prompt=auto (or prompt=none, which must not show a page)
// finds an earlier consent of this user to this client covering every
// requested scope. approval_prompt defaults to force, as in DOT.
func (b *browser) needsConsent(r *authzRequest, sess *loginSession) (bool, error) {
	switch {
	case r.promptCons:
		return true, nil
	case r.client.SkipAuthorization:
		return false, nil
	case r.approval != approvalAuto && !r.promptNone:
		return true, nil
	}
	c, err := b.st.Consent(sess.user.ID, r.client.ID)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, sc := range r.scopes {
		if !slices.Contains(c.Scopes, sc) {
			return true, nil
		}
	}
	return false, nil
}

// showConsent renders the consent page for r.
func (b *browser) showConsent(ctx *fasthttp.RequestCtx, r *authzRequest, sess *loginSession) {
	cp := &consentPage{
		Action:       b.s.path("authorize/"),
		ClientName:   r.client.Name,
		Username:     sess.user.Username,
		RedirectHost: redirectHost(r.redirectURI),
	}
	for _, sc := range r.scopes {
		cp.Scopes = append(cp.Scopes, scopeItem{Name: sc, Description: scopeDescriptions[sc]})
	}
	add := func(name, value string) {
		if value != "" {
			cp.Hidden = append(cp.Hidden, hiddenField{name, value})
		}
	}
	add("client_id", r.client.ID)
	add("redirect_uri", r.sentURI)
	add("response_type", r.responseType)
	add("response_mode", r.modeSent)
	add("state", r.state)
	add("scope", r.scope)
	add("code_challenge", r.challenge)
	add("code_challenge_method", r.methodSent)
	add("nonce", r.nonce)
	b.renderPage(ctx, fasthttp.StatusOK, "consent", &page{Title: "Authorize " + r.client.Name, CSRF: b.csrfToken(ctx), Consent: cp})
}

// consentAnswer handles the consent form's POST: CSRF, then the request
// checked again from the hidden fields, then the session; "allow" stores
// the consent and answers the authorization request, anything else denies
// it. Every answer is 303 See Other.
func (b *browser) consentAnswer(ctx *fasthttp.RequestCtx, f *form) {
	if !b.checkCSRF(ctx, f) {
		b.renderMessage(ctx, fasthttp.StatusForbidden, "Form expired",
			"The consent form expired or did not come from this site.",
			"Return to the application and start again.")
		return
	}
	r, ok := b.checkClient(ctx, f)
	if !ok {
		return
	}
	if ae := r.parse(f); ae != nil {
		b.redirectError(ctx, r, ae)
		return
	}
	sess, err := b.currentSession(ctx)
	if err != nil {
		b.s.log.Error("issuer: reading session", "err", err)
		b.redirectError(ctx, r, authzErr(CodeServerError, "session lookup failed"))
		return
	}
	if sess == nil {
		rest := form{}
		for _, p := range f.params {
			if p.name != csrfField && p.name != "allow" {
				rest.params = append(rest.params, p)
			}
		}
		b.redirect(ctx, fasthttp.StatusSeeOther, b.loginURL(b.authorizeURLForLogin(&rest)))
		return
	}
	if !hasParam(f, "allow") {
		b.redirectError(ctx, r, authzErr(CodeAccessDenied, "the user denied the request"))
		return
	}
	if _, err := b.st.GrantConsent(sess.user.ID, r.client.ID, r.scopes); err != nil {
		b.s.log.Error("issuer: storing consent", "err", err)
		b.redirectError(ctx, r, authzErr(CodeServerError, "cannot store the consent"))
		return
	}
	b.issue(ctx, r, sess)
}

// redirectHost returns the host (or scheme:// for a URI without one) a
// redirect URI points to, for the consent page.
func redirectHost(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		if err == nil && u.Scheme != "" {
			return u.Scheme + ":"
		}
		return uri
	}
	return u.Host
}

// hasParam reports whether the form carries name, with or without a value.
func hasParam(f *form, name string) bool {
	for _, p := range f.params {
		if p.name == name {
			return true
		}
	}
	return false
}
