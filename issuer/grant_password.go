package issuer

import (
	"errors"
	"net/netip"
	"runtime"
	"sync"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Bounds on password-grant input: longer values are never valid and would
// only make argon2id work harder.
const (
	maxPasswordGrantUsername = 200
	maxPasswordGrantPassword = 1024
)

// passwordGrant carries out the resource owner password credentials grant
// (RFC 6749 §4.3) for an authenticated client allowed it. Each attempt
// takes a token from the per-username and the per-address login buckets
// (429 when either is empty); a wrong password, an unknown user and an
// oversized input are all invalid_grant, alike in timing (an unknown user
// costs one argon2id run against a dummy hash). scope is a subset of the
// client's scopes, all of them by default. A refresh family, when the
// client may refresh, is one store transaction before the response.
func passwordGrant(s *Server, ctx *fasthttp.RequestCtx, f *form, c *store.Client, _ string) *Error {
	if !c.AllowsGrant(store.GrantPassword) {
		return &Error{Code: CodeUnauthorizedClient, Description: "client is not allowed the password grant"}
	}
	username, e := f.one("username")
	if e != nil {
		return e
	}
	password, e := f.one("password")
	if e != nil {
		return e
	}
	requested, e := f.one("scope")
	if e != nil {
		return e
	}
	if username == "" || password == "" {
		return errInvalidRequest("missing username or password")
	}
	scope, e := grantScope(requested, c.Scopes)
	if e != nil {
		return e
	}
	if e := s.throttleLogin(s.clientAddr(ctx), username); e != nil {
		return e
	}
	u, ok, err := s.checkPassword(username, password)
	if err != nil {
		return s.storeFailed("reading a user", err)
	}
	if !ok {
		return errInvalidGrant("invalid username or password")
	}
	now := s.cfg.Now()
	g := userGrant{client: c, user: u, scope: scope, authTime: now}
	resp, access, e := s.mintUserTokens(&g)
	if e != nil {
		return e
	}
	if c.AllowsGrant(store.GrantRefreshToken) {
		fam := s.newFamily(&g, now)
		fam.AccessJTIs = []store.Revocation{access}
		resp.refresh = newRefreshToken()
		if err := s.st.CreateRefreshFamily(resp.refresh, fam); err != nil {
			return s.storeFailed("creating a refresh family", err)
		}
	}
	writeTokenResponse(ctx, resp)
	return nil
}

// throttleLogin takes a token from the login buckets of the source
// address and of username; when either is empty it returns the 429 to
// answer. The password grant and the login form share the buckets, so
// neither doubles a guesser's budget.
func (s *Server) throttleLogin(addr netip.Addr, username string) *Error {
	now := s.cfg.Now().UnixNano()
	if ok, wait := s.loginByAddr.allow(addr, now); !ok {
		return tooManyRequests(wait)
	}
	if len(username) > maxPasswordGrantUsername {
		return nil // never a user: nothing to protect, and no bucket to spend
	}
	if ok, wait := s.loginByUser.allow(username, now); !ok {
		return tooManyRequests(wait)
	}
	return nil
}

// passwordChecker runs argon2id verifications, a bounded number at a time
// (each costs 19 MiB), against a dummy hash for unknown users.
type passwordChecker struct {
	once  sync.Once
	dummy string
	slots chan struct{}
}

// checkPassword reports whether password is username's and returns the
// user. Unknown users and oversized input cost an argon2id run too.
func (s *Server) checkPassword(username, password string) (*store.User, bool, error) {
	pc := &s.passwords
	pc.once.Do(func() {
		pc.dummy, _ = store.HashPassword("tollgate dummy password")
		pc.slots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	})
	var u *store.User
	hash := pc.dummy
	if len(username) <= maxPasswordGrantUsername && len(password) <= maxPasswordGrantPassword {
		var err error
		u, err = s.st.UserByName(username)
		switch {
		case errors.Is(err, store.ErrNotFound):
			u = nil
		case err != nil:
			return nil, false, err
		case u.PasswordHash != "":
			hash = u.PasswordHash
		}
	} else {
		password = ""
	}
	pc.slots <- struct{}{}
	ok := store.VerifyPassword(hash, password)
	<-pc.slots
	if u == nil || hash == pc.dummy {
		return nil, false, nil
	}
	return u, ok, nil
}
