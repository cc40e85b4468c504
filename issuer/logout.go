package issuer

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// logoutRequest is a checked RP-initiated logout request (OpenID Connect
// RP-Initiated Logout 1.0 §2).
type logoutRequest struct {
	clientID string // from client_id or the hint's aud; "" when neither
	redirect string // post_logout_redirect_uri, checked; "" for none
	state    string
}

// handleLogout serves {issuer}/logout/, the end_session_endpoint.
//
// GET, with optional id_token_hint, client_id, post_logout_redirect_uri and
// state, asks the signed-in user to confirm (a bare GET must not sign
// anybody out: any site could link to it); with nobody signed in it goes
// straight on. POST, with the CSRF token, ends the session, clears the
// cookie and answers 303 to post_logout_redirect_uri with state, or a
// "signed out" page. The login page's sign-out button is such a POST.
//
// post_logout_redirect_uri must be one of the client's
// PostLogoutRedirectURIs, exactly; the client is named by client_id or by
// the aud of id_token_hint, which must be an ID token this issuer signed
// (an expired one is fine: §2). Anything else gets an HTML 400 page, never
// a redirect.
func (b *browser) handleLogout(ctx *fasthttp.RequestCtx) {
	var f form
	if ctx.IsPost() {
		var ok bool
		if f, ok = b.postedForm(ctx); !ok {
			return
		}
	} else {
		var e *Error
		if f, e = parseForm(ctx.URI().QueryString()); e != nil {
			b.renderMessage(ctx, fasthttp.StatusBadRequest, "Invalid sign-out request", "The sign-out request is malformed.")
			return
		}
	}
	lr, msg := b.parseLogout(&f)
	if msg != "" {
		b.renderMessage(ctx, fasthttp.StatusBadRequest, "Invalid sign-out request", msg)
		return
	}
	if !ctx.IsPost() {
		sess, err := b.currentSession(ctx)
		if err != nil {
			b.s.log.Error("issuer: reading session", "err", err)
		}
		if sess == nil && err == nil {
			b.finishLogout(ctx, lr, fasthttp.StatusFound)
			return
		}
		var hidden []hiddenField
		for _, h := range []hiddenField{{"client_id", lr.clientID}, {"post_logout_redirect_uri", lr.redirect}, {"state", lr.state}} {
			if h.Value != "" {
				hidden = append(hidden, h)
			}
		}
		paras := []string{"Do you want to sign out?"}
		if sess != nil {
			paras[0] = "You are signed in as " + sess.user.Username + ". Do you want to sign out?"
		}
		b.renderPage(ctx, fasthttp.StatusOK, "message", &page{Title: "Sign out", CSRF: b.csrfToken(ctx), Message: &messagePage{
			Paragraphs: paras,
			Form:       &messageForm{Action: b.s.path("logout/"), Button: "Sign out", Hidden: hidden},
		}})
		return
	}
	if !b.checkCSRF(ctx, &f) {
		b.renderMessage(ctx, fasthttp.StatusForbidden, "Form expired", "The sign-out form expired or did not come from this site. Please try again.")
		return
	}
	if err := b.dropSession(ctx); err != nil {
		// Never say "signed out" while the session still works: a copy of
		// the cookie elsewhere would outlive the sign-out.
		b.renderMessage(ctx, fasthttp.StatusInternalServerError, "Error", "Sign-out failed because of a server error. Please try again.")
		return
	}
	b.clearCookie(ctx, sessionCookie)
	b.finishLogout(ctx, lr, fasthttp.StatusSeeOther)
}

// finishLogout sends the browser to the checked post-logout URI with state,
// or shows the signed-out page.
func (b *browser) finishLogout(ctx *fasthttp.RequestCtx, lr *logoutRequest, status int) {
	if lr.redirect == "" {
		b.renderPage(ctx, fasthttp.StatusOK, "message", &page{Title: "Signed out", Message: &messagePage{
			Paragraphs: []string{"You are signed out."},
			Link:       &link{Href: b.s.path("login/"), Text: "Sign in again"},
		}})
		return
	}
	loc := lr.redirect
	if lr.state != "" {
		sep := "?"
		if strings.Contains(loc, "?") {
			sep = "&"
		}
		loc += sep + "state=" + url.QueryEscape(lr.state)
	}
	b.redirect(ctx, status, loc)
}

// parseLogout checks a logout request's parameters; msg explains a
// failure.
func (b *browser) parseLogout(f *form) (lr *logoutRequest, msg string) {
	lr = &logoutRequest{}
	hint, e1 := f.one("id_token_hint")
	clientID, e2 := f.one("client_id")
	uri, e3 := f.one("post_logout_redirect_uri")
	state, e4 := f.one("state")
	if e1 != nil || e2 != nil || e3 != nil || e4 != nil {
		return nil, "A parameter is repeated."
	}
	if len(state) > maxStateLen {
		return nil, "The state parameter is too long."
	}
	lr.state = state
	if hint != "" {
		aud, _, ok := b.verifyIDTokenHint(hint)
		if !ok {
			return nil, "The id_token_hint is not an ID token issued here."
		}
		switch {
		case clientID == "" && len(aud) == 1:
			clientID = aud[0]
		case clientID != "" && !slices.Contains(aud, clientID):
			return nil, "The client_id does not match the id_token_hint."
		}
	}
	lr.clientID = clientID
	if uri == "" {
		return lr, ""
	}
	if clientID == "" {
		return nil, "A post_logout_redirect_uri needs a client_id or an id_token_hint."
	}
	c, err := b.s.clients.Client(clientID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			b.s.log.Error("issuer: client lookup failed", "err", err)
		}
		return nil, "The application is not registered here."
	}
	if !slices.Contains(c.PostLogoutRedirectURIs, uri) {
		return nil, "The post_logout_redirect_uri is not registered for this application."
	}
	lr.redirect = uri
	return lr, ""
}
