package issuer

import (
	"strings"
	"sync/atomic"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// browserStore is what the browser flows keep beyond [Store]: login
// sessions and consents. *store.DB implements it.
type browserStore interface {
	Store
	store.SessionStore
	store.ConsentStore
}

// browser serves the pages and endpoints a user's browser visits. Its
// methods are safe for concurrent use.
type browser struct {
	s  *Server
	st browserStore

	origin     string // scheme://host of the issuer, what same-origin POSTs send as Origin
	cookiePath string // the issuer's path + "/"
	secure     bool   // cookies get Secure: the issuer is https

	lastSweep atomic.Int64 // unix ns of the last expired-session sweep
}

// registerBrowserFlows adds the routes a browser visits: login, logout,
// consent, /o/authorize/, and the OIDC userinfo endpoint, plus the pages'
// stylesheet.
//
// They need the Store to keep sessions and consents as well
// (store.SessionStore and store.ConsentStore, as *store.DB does); with a
// Store that does not, they are not served and New logs a warning.
func (s *Server) registerBrowserFlows() {
	st, ok := s.st.(browserStore)
	if !ok {
		s.log.Warn("issuer: the Store keeps no sessions or consents: login, consent, /authorize/, userinfo and logout are off")
		return
	}
	b := &browser{
		s:          s,
		st:         st,
		origin:     issuerOrigin(s.cfg.Issuer),
		cookiePath: s.prefix + "/",
		secure:     strings.HasPrefix(s.cfg.Issuer, "https://"),
	}
	get, post := fasthttp.MethodGet, fasthttp.MethodPost
	s.handle(s.path("login/"), b.handleLogin, get, post)
	s.handle(s.path("logout/"), b.handleLogout, get, post)
	s.handle(s.path("authorize/"), b.handleAuthorize, get, post)
	s.handle(s.path("userinfo/"), b.handleUserinfo, get, post).cors = corsPublic
	s.handle(s.path("static/style.css"), b.handleStylesheet, get)
}
