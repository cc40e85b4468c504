package issuer

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Login sessions. The cookie holds a random 256-bit id; the store keeps the
// session under the id's SHA-256 (store.SessionStore), so a stolen database
// yields no usable cookie. A session ends at whichever comes first: an idle
// timeout, slid forward as the browser uses it, or an absolute limit from
// the login, after which the user signs in again.
const (
	sessionCookie = "tollgate_session"
	// sessionIdleTimeout ends a session not used for this long.
	sessionIdleTimeout = time.Hour
	// sessionMaxAge ends every session this long after its login.
	sessionMaxAge = 12 * time.Hour
	// sessionTouchEvery bounds how often a session's idle deadline is
	// written back: at most once a minute per session, not per request.
	sessionTouchEvery = time.Minute
	// sessionSweepEvery is how often a login sweeps expired sessions out
	// of the store.
	sessionSweepEvery = time.Hour
)

// loginSession is a browser's live session and its user.
type loginSession struct {
	id   string
	rec  *store.Session
	user *store.User
}

// currentSession returns the browser's live session, or nil when it has
// none: no cookie, an unknown or expired one, or a deleted user. Only a
// store failure is an error.
func (b *browser) currentSession(ctx *fasthttp.RequestCtx) (*loginSession, error) {
	raw := ctx.Request.Header.Cookie(sessionCookie)
	if !validRandomToken(raw) {
		return nil, nil
	}
	id := string(raw)
	rec, err := b.st.Session(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := b.s.cfg.Now()
	hardEnd := rec.AuthTime.Add(sessionMaxAge)
	if !now.Before(rec.Expires) || !now.Before(hardEnd) {
		return nil, nil
	}
	u, err := b.st.User(rec.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if idle := now.Add(sessionIdleTimeout); idle.Sub(rec.Expires) >= sessionTouchEvery && rec.Expires.Before(hardEnd) {
		rec.Expires = minTime(idle, hardEnd)
		if err := b.st.TouchSession(id, rec.Expires); err != nil && !errors.Is(err, store.ErrNotFound) {
			b.s.log.Warn("issuer: extending session", "err", err)
		}
	}
	return &loginSession{id: id, rec: rec, user: u}, nil
}

// startSession logs u in: a fresh session id (never the old one, so a
// planted cookie cannot be promoted), the old session deleted, the cookie
// set. authTime is now.
func (b *browser) startSession(ctx *fasthttp.RequestCtx, u *store.User) (*loginSession, error) {
	now := b.s.cfg.Now()
	var r [32]byte
	_, _ = rand.Read(r[:])
	id := base64.RawURLEncoding.EncodeToString(r[:])
	rec := &store.Session{
		UserID:   u.ID,
		AuthTime: now.UTC().Truncate(time.Second), // auth_time is whole seconds
		Expires:  now.Add(sessionIdleTimeout).UTC(),
	}
	if err := b.st.CreateSession(id, rec); err != nil {
		return nil, err
	}
	_ = b.dropSession(ctx) // the old session only idles out if this fails; the new one counts
	b.setCookie(ctx, sessionCookie, id)
	b.maybeSweep(now)
	return &loginSession{id: id, rec: rec, user: u}, nil
}

// dropSession deletes the browser's current session from the store, if
// any; the cookie is left for the caller to replace or clear. A store
// failure is logged and returned.
func (b *browser) dropSession(ctx *fasthttp.RequestCtx) error {
	raw := ctx.Request.Header.Cookie(sessionCookie)
	if !validRandomToken(raw) {
		return nil
	}
	if err := b.st.DeleteSession(string(raw)); err != nil && !errors.Is(err, store.ErrNotFound) {
		b.s.log.Error("issuer: deleting session", "err", err)
		return err
	}
	return nil
}

// maybeSweep starts a sweep of expired sessions when the last one is older
// than sessionSweepEvery; at most one runs at a time, off the request path.
func (b *browser) maybeSweep(now time.Time) {
	last := b.lastSweep.Load()
	if now.UnixNano()-last < int64(sessionSweepEvery) || !b.lastSweep.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	go func() {
		if _, err := b.st.DeleteExpiredSessions(now); err != nil && !errors.Is(err, store.ErrClosed) {
			b.s.log.Warn("issuer: sweeping expired sessions", "err", err)
		}
	}()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
