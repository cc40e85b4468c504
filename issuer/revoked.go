package issuer

import (
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// revokedMaxAge is the Cache-Control max-age of GET {issuer}/revoked:
// short, since a revocation should reach the edges within seconds.
const revokedMaxAge = 10

// revocationFeed caches the body of GET {issuer}/revoked: rebuilt when the
// store's revocation version changes or an entry leaves the window.
type revocationFeed struct {
	mu  sync.Mutex // serialises rebuilds
	cur atomic.Pointer[feedDoc]
}

// feedDoc is one rendering of the revocation set.
type feedDoc struct {
	version    uint64    // the store's RevocationsVersion it was built at
	body       []byte    // [{"jti":"…","exp":…},…], ordered by jti
	etag       string    // strong: a hash of body
	validUntil time.Time // when the first entry leaves the window
}

// revocations returns the current feed: every revoked access token whose
// exp lies within RevocationGrace of now or later.
func (s *Server) revocations() (*feedDoc, error) {
	v, err := s.st.RevocationsVersion()
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	if d := s.feed.cur.Load(); d != nil && d.version == v && now.Before(d.validUntil) {
		return d, nil
	}
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if d := s.feed.cur.Load(); d != nil && d.version == v && now.Before(d.validUntil) {
		return d, nil
	}
	// The list is read after the version, so it is at least that new; a
	// revocation landing in between only costs one more rebuild.
	list, err := s.st.Revocations(now.Add(-RevocationGrace))
	if err != nil {
		return nil, err
	}
	d := &feedDoc{version: v, validUntil: now.Add(24 * time.Hour)}
	b := []byte{'['}
	for i, r := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendStringMember(b, "jti", r.JTI)
		b = appendIntMember(b, "exp", r.Exp.Unix())
		b = append(b, '}')
		if end := r.Exp.Add(RevocationGrace); end.Before(d.validUntil) {
			d.validUntil = end
		}
	}
	d.body = append(b, ']')
	sum := sha256.Sum256(d.body)
	d.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	s.feed.cur.Store(d)
	return d, nil
}

// handleRevoked serves GET {issuer}/revoked, the feed edge validators poll
// (validator.SetRevocations parses it): a JSON array of {"jti","exp"} (exp
// in Unix seconds), with a strong ETag that changes exactly when the body
// does, 304 on a matching If-None-Match, and a short max-age.
func (s *Server) handleRevoked(ctx *fasthttp.RequestCtx) {
	d, err := s.revocations()
	if err != nil {
		s.log.Error("issuer: reading revocations", "err", err)
		writeError(ctx, errServer("cannot read the revocation set"))
		return
	}
	h := &ctx.Response.Header
	h.Set(fasthttp.HeaderCacheControl, cacheControl(revokedMaxAge))
	h.Set(fasthttp.HeaderETag, d.etag)
	if inm := ctx.Request.Header.Peek(fasthttp.HeaderIfNoneMatch); len(inm) > 0 && etagMatches(inm, d.etag) {
		ctx.Response.SetStatusCode(fasthttp.StatusNotModified)
		return
	}
	writeJSON(ctx, fasthttp.StatusOK, d.body)
}

// purger deletes expired records every Flows.PurgeInterval while the
// server serves.
type purger struct {
	start, stop sync.Once
	done        chan struct{} // closed by stopPurging
	exited      chan struct{} // closed when the loop returns
}

// startPurging starts the purge loop once, at the first Serve.
func (s *Server) startPurging() {
	if s.cfg.Flows.PurgeInterval < 0 {
		return
	}
	s.purge.start.Do(func() {
		s.purge.exited = make(chan struct{})
		go s.purgeLoop(s.purge.done, s.purge.exited)
	})
}

// stopPurging ends the purge loop, if it runs, and waits for it; no loop
// starts afterwards.
func (s *Server) stopPurging() {
	s.purge.stop.Do(func() { close(s.purge.done) })
	s.purge.start.Do(func() {}) // after this, exited is set for good, or never
	if s.purge.exited != nil {
		<-s.purge.exited
	}
}

func (s *Server) purgeLoop(done <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	t := time.NewTicker(s.cfg.Flows.PurgeInterval)
	defer t.Stop()
	for {
		s.purgeNow()
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

// purgeNow deletes codes, refresh families and revocations that expired
// more than RevocationGrace ago: a code stays that long past its expiry so
// that a late replay still revokes what it issued.
func (s *Server) purgeNow() {
	n, err := s.st.PurgeExpired(s.cfg.Now().Add(-RevocationGrace))
	switch {
	case err != nil:
		s.log.Warn("issuer: purging expired records", "err", err)
	case n > 0:
		s.log.Debug("issuer: purged expired records", "records", n)
	}
}
