package issuer

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// refreshTokenBytes is the entropy of a refresh token: 256 bits.
const refreshTokenBytes = 32

// userGrant is what the user flows issue tokens for: a user's grant of a
// scope to a client.
type userGrant struct {
	client   *store.Client
	user     *store.User
	scope    string
	authTime time.Time // of the user's authentication; zero if unknown
	nonce    string    // of the authorization request; "" if none
}

// mintUserTokens signs g's access token (sub the user id, a recorded jti)
// and, when the scope has openid, its ID token with at_hash. It returns
// the response to send and the access token's jti and exp to record.
func (s *Server) mintUserTokens(g *userGrant) (*tokenResponse, store.Revocation, *Error) {
	c := g.client
	t := accessToken{
		issuer:   s.cfg.Issuer,
		subject:  g.user.ID,
		audience: s.audience(c),
		clientID: c.ID,
		scope:    g.scope,
		issued:   s.cfg.Now(),
		ttl:      s.accessTokenTTL(c),
		jti:      newJTI(),
	}
	tok, e := s.signAccessToken(&t, s.signingAlg(c))
	if e != nil {
		return nil, store.Revocation{}, e
	}
	resp := &tokenResponse{access: tok, ttl: t.ttl, scope: g.scope}
	if scopeHas(g.scope, "openid") {
		if resp.idToken, e = s.mintIDToken(c, g.user, g.authTime, g.nonce, tok, nil); e != nil {
			return nil, store.Revocation{}, e
		}
	}
	return resp, store.Revocation{JTI: t.jti, Exp: t.expires()}, nil
}

// newFamily returns the refresh family a new grant starts.
func (s *Server) newFamily(g *userGrant, now time.Time) *store.RefreshFamily {
	return &store.RefreshFamily{
		ClientID:    g.client.ID,
		UserID:      g.user.ID,
		Scope:       g.scope,
		AuthTime:    g.authTime,
		Created:     now,
		Expires:     now.Add(s.cfg.Flows.RefreshTTL),
		IdleExpires: now.Add(s.cfg.Flows.RefreshIdleTTL),
	}
}

// grantUser returns the user a grant is for; a deleted user makes the
// grant invalid.
func (s *Server) grantUser(id string) (*store.User, *Error) {
	u, err := s.st.User(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidGrant("the user of this grant no longer exists")
	}
	if err != nil {
		return nil, s.storeFailed("reading a user", err)
	}
	return u, nil
}

// newRefreshToken returns a fresh opaque refresh token: refreshTokenBytes
// from crypto/rand, base64url (43 characters).
func newRefreshToken() string {
	var b [refreshTokenBytes]byte
	_, _ = rand.Read(b[:]) // never fails (Go ≥ 1.24 crashes rather than return short)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// scopeHas reports whether the space-separated scope holds tok.
func scopeHas(scope, tok string) bool {
	for rest := scope; rest != ""; {
		var t string
		t, rest, _ = strings.Cut(rest, " ")
		if t == tok {
			return true
		}
	}
	return false
}

// errInvalidGrant is RFC 6749 §5.2's invalid_grant.
func errInvalidGrant(desc string) *Error {
	return &Error{Code: CodeInvalidGrant, Description: desc}
}

// storeFailed logs a store failure and returns the server_error to answer.
func (s *Server) storeFailed(what string, err error) *Error {
	s.log.Error("issuer: store failure", "op", what, "err", err)
	return errServer("storage failure")
}
