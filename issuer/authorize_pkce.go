package issuer

import (
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
)

// Lengths of a code_challenge (RFC 7636 §4.2): 43-128 characters, exactly
// 43 for S256 (base64url of a SHA-256).
const (
	minChallengeLen  = 43
	maxChallengeLen  = 128
	s256ChallengeLen = 43
)

// parsePKCE reads code_challenge and code_challenge_method (RFC 7636 §4.3)
// for response types that return a code. A public client must send an S256
// challenge; plain is accepted only from a client with AllowPlainPKCE.
func (r *authzRequest) parsePKCE(f *form) *authzError {
	var e *Error
	if r.challenge, e = f.one("code_challenge"); e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if r.methodSent, e = f.one("code_challenge_method"); e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if !strings.Contains(r.responseType, respCode) {
		r.challenge, r.methodSent = "", ""
		return nil
	}
	c := r.client
	if r.challenge == "" {
		switch {
		case r.methodSent != "":
			return authzErr(CodeInvalidRequest, "code_challenge_method without code_challenge")
		case c.Type == store.Public:
			return authzErr(CodeInvalidRequest, "code_challenge (PKCE, S256) is required for public clients")
		}
		return nil
	}
	r.method = r.methodSent
	if r.method == "" {
		r.method = pkcePlain // RFC 7636 §4.3's default
	}
	switch r.method {
	case pkceS256:
		if len(r.challenge) != s256ChallengeLen {
			return authzErr(CodeInvalidRequest, "an S256 code_challenge is 43 characters")
		}
	case pkcePlain:
		if !c.AllowPlainPKCE {
			return authzErr(CodeInvalidRequest, "code_challenge_method must be S256")
		}
	default:
		return authzErr(CodeInvalidRequest, "unsupported code_challenge_method")
	}
	if len(r.challenge) < minChallengeLen || len(r.challenge) > maxChallengeLen || !isUnreserved(r.challenge) {
		return authzErr(CodeInvalidRequest, "malformed code_challenge")
	}
	return nil
}

// isUnreserved reports whether s holds only RFC 3986 unreserved characters,
// the alphabet of PKCE verifiers and challenges.
func isUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}
