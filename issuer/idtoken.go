package issuer

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// typIDToken is the typ of ID tokens: "JWT", which a validator of access
// tokens (typ at+jwt, RFC 9068 §4) refuses, so an ID token never passes
// as an access token.
const typIDToken = "JWT"

// defaultIDTokenAlg is the alg of ID tokens for clients that set none:
// OpenID Connect Core §3.1.3.7 makes RS256 the default.
const defaultIDTokenAlg = "RS256"

// idTokenAlg returns the JWS algorithm of c's ID tokens.
func idTokenAlg(c *store.Client) string {
	if c.IDTokenSignedResponseAlg != "" {
		return c.IDTokenSignedResponseAlg
	}
	return defaultIDTokenAlg
}

// mintIDToken signs an OpenID Connect ID token (Core §2) for user u and
// client c: iss, sub (the user id), aud (the client id), exp, iat,
// auth_time (when not zero), nonce (when not ""), at_hash of accessToken
// and c_hash of code (each when not nil: §3.1.3.6 and §3.3.2.11, the left
// half of the hash the alg uses, base64url). It is signed with c's
// id_token_signed_response_alg (default RS256), typ "JWT", and lives as
// long as c's access tokens. Errors are server_error: an alg with no
// active key is a configuration fault.
func (s *Server) mintIDToken(c *store.Client, u *store.User, authTime time.Time, nonce string, accessToken, code []byte) ([]byte, *Error) {
	alg := idTokenAlg(c)
	h := idTokenHash(alg)
	if h == nil {
		s.log.Error("issuer: no hash for ID token alg", "alg", alg, "client_id", c.ID)
		return nil, errServer("cannot sign the ID token")
	}
	now := s.cfg.Now()
	iat := now.Unix()
	buf := getBuf()
	defer putBuf(buf)
	b := append((*buf)[:0], '{')
	b = appendStringMember(b, "iss", s.cfg.Issuer)
	b = appendStringMember(b, "sub", u.ID)
	b = appendStringMember(b, "aud", c.ID)
	b = appendIntMember(b, "exp", iat+int64(s.accessTokenTTL(c)/time.Second))
	b = appendIntMember(b, "iat", iat)
	if !authTime.IsZero() {
		b = appendIntMember(b, "auth_time", authTime.Unix())
	}
	if nonce != "" {
		b = appendStringMember(b, "nonce", nonce)
	}
	if accessToken != nil {
		b = appendStringMember(b, "at_hash", halfHash(h(), accessToken))
	}
	if code != nil {
		b = appendStringMember(b, "c_hash", halfHash(h(), code))
	}
	b = append(b, '}')
	*buf = b
	tok, _, err := s.signer.Sign(alg, typIDToken, b)
	if err == nil && !isCompactJWS(tok) {
		err = errMalformedJWS
	}
	if err != nil {
		s.log.Error("issuer: signing ID token", "alg", alg, "client_id", c.ID, "err", err)
		return nil, errServer("cannot sign the ID token")
	}
	return tok, nil
}

// idTokenHash returns the hash OpenID Connect pairs with alg for at_hash
// and c_hash: SHA-256 for the *256 algorithms, SHA-512 for EdDSA (Ed25519
// hashes with SHA-512, as the OpenID Foundation's errata settle), nil for
// anything else.
func idTokenHash(alg string) func() hash.Hash {
	switch alg {
	case "ES256", "RS256", "PS256":
		return sha256.New
	case "EdDSA":
		return sha512.New
	}
	return nil
}

// halfHash returns base64url(left half of h(v)).
func halfHash(h hash.Hash, v []byte) string {
	h.Write(v)
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
