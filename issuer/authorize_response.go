package issuer

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// codeBytes is the entropy of an authorization code: 256 bits.
const codeBytes = 32

// issue answers an approved authorization request: a code (stored, bound to
// the client, the redirect_uri as sent, the PKCE challenge, the scope, the
// nonce and the session's auth_time, living Flows.CodeTTL), an access token
// for response_type token, an ID token for the id_token types (with c_hash
// and at_hash for what it travels with), then state and iss.
func (b *browser) issue(ctx *fasthttp.RequestCtx, r *authzRequest, sess *loginSession) {
	s := b.s
	now := s.cfg.Now()
	var ps []param
	var code, access []byte
	if strings.Contains(r.responseType, respCode) {
		code = newAuthCode()
		rec := &store.AuthCode{
			ClientID:            r.client.ID,
			UserID:              sess.user.ID,
			RedirectURI:         r.sentURI,
			Scope:               r.scope,
			Nonce:               r.nonce,
			AuthTime:            sess.rec.AuthTime,
			CodeChallenge:       r.challenge,
			CodeChallengeMethod: r.method,
			Created:             now.UTC(),
			Expires:             now.Add(s.cfg.Flows.CodeTTL).UTC(),
		}
		if err := s.st.CreateCode(string(code), rec); err != nil {
			s.log.Error("issuer: storing authorization code", "err", err)
			b.redirectError(ctx, r, authzErr(CodeServerError, "cannot store the authorization code"))
			return
		}
		ps = append(ps, param{"code", string(code)})
	}
	if r.responseType == respToken {
		t := accessToken{
			issuer:   s.cfg.Issuer,
			subject:  sess.user.ID,
			audience: s.audience(r.client),
			clientID: r.client.ID,
			scope:    r.scope,
			issued:   now,
			ttl:      s.accessTokenTTL(r.client),
		}
		var e *Error
		if access, e = s.signAccessToken(&t, s.signingAlg(r.client)); e != nil {
			b.redirectError(ctx, r, authzErr(CodeServerError, e.Description))
			return
		}
		ps = append(ps,
			param{"access_token", string(access)},
			param{"token_type", "Bearer"},
			param{"expires_in", strconv.FormatInt(int64(t.ttl.Seconds()), 10)},
			param{"scope", r.scope})
	}
	if strings.Contains(r.responseType, respIDToken) {
		idt, e := s.mintIDToken(r.client, sess.user, sess.rec.AuthTime, r.nonce, access, code)
		if e != nil {
			b.redirectError(ctx, r, authzErr(CodeServerError, e.Description))
			return
		}
		ps = append(ps, param{"id_token", string(idt)})
	}
	b.redirectResponse(ctx, r, ps)
}

// newAuthCode returns a fresh authorization code: codeBytes from
// crypto/rand, base64url.
func newAuthCode() []byte {
	var r [codeBytes]byte
	_, _ = rand.Read(r[:]) // never fails (Go ≥ 1.24 crashes rather than return short)
	return base64.RawURLEncoding.AppendEncode(nil, r[:])
}
