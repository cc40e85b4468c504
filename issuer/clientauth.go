package issuer

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Client authentication methods (RFC 6749 §2.3, OIDC Core §9 names).
const (
	authNone              = "none"
	authClientSecretBasic = "client_secret_basic"
	authClientSecretPost  = "client_secret_post"
)

// basicChallenge is the WWW-Authenticate value of every invalid_client 401:
// RFC 6749 §5.2 requires it when the client used Basic, RFC 9110 §15.5.2 on
// any 401.
const basicChallenge = `Basic realm="tollgate", charset="UTF-8"`

// maxCredentialLen bounds a decoded Basic credential.
const maxCredentialLen = 1024

// authenticateClient identifies and authenticates the client of a token
// endpoint request by exactly one method: client_secret_basic (the
// Authorization header), client_secret_post (client_id and client_secret in
// the body), or none (client_id alone, for public clients). It returns the
// client and the method used.
//
// A request using two methods is invalid_request. A confidential client
// without a secret, an unknown client, a wrong secret or an unusable
// Authorization header is invalid_client, deliberately indistinguishable.
// On success an origin the client lists may read the answer (allowOrigin).
func (s *Server) authenticateClient(ctx *fasthttp.RequestCtx, f *form) (*store.Client, string, *Error) {
	postID, e := f.one("client_id")
	if e != nil {
		return nil, "", e
	}
	postSecret, e := f.one("client_secret")
	if e != nil {
		return nil, "", e
	}
	var id, secret, method string
	if h := ctx.Request.Header.Peek(fasthttp.HeaderAuthorization); len(h) > 0 {
		if len(ctx.Request.Header.PeekAll(fasthttp.HeaderAuthorization)) > 1 {
			return nil, "", errInvalidRequest("more than one Authorization header")
		}
		if postSecret != "" {
			return nil, "", errInvalidRequest("more than one client authentication method")
		}
		var ok bool
		if id, secret, ok = parseBasic(h); !ok {
			return nil, "", errInvalidClient("malformed Basic credentials")
		}
		if postID != "" && postID != id {
			return nil, "", errInvalidRequest("client_id does not match the authenticated client")
		}
		method = authClientSecretBasic
	} else if postSecret != "" {
		if postID == "" {
			return nil, "", errInvalidClient("client_secret without client_id")
		}
		id, secret, method = postID, postSecret, authClientSecretPost
	} else if postID != "" {
		id, method = postID, authNone
	} else {
		return nil, "", errInvalidClient("no client authentication")
	}

	c, err := s.clients.Client(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errInvalidClient("client authentication failed")
	}
	if err != nil {
		s.log.Error("issuer: client lookup failed", "err", err)
		return nil, "", errServer("client lookup failed")
	}
	if method == authNone {
		if c.Type != store.Public {
			return nil, "", errInvalidClient("client authentication required")
		}
		allowOrigin(ctx, c)
		return c, method, nil
	}
	if !store.VerifySecret(c.SecretHash, secret) {
		return nil, "", errInvalidClient("client authentication failed")
	}
	allowOrigin(ctx, c)
	return c, method, nil
}

// parseBasic parses an Authorization header of the Basic scheme (RFC 7617)
// whose user-id and password are the form-urlencoded client_id and secret
// (RFC 6749 §2.3.1), and returns them decoded. The scheme name is
// case-insensitive; padding of the base64 is optional.
func parseBasic(h []byte) (id, secret string, ok bool) {
	const scheme = "basic"
	if len(h) <= len(scheme) || !strings.EqualFold(string(h[:len(scheme)]), scheme) || h[len(scheme)] != ' ' {
		return "", "", false
	}
	b64 := strings.Trim(string(h[len(scheme):]), " ")
	if b64 == "" || base64.StdEncoding.DecodedLen(len(b64)) > maxCredentialLen {
		return "", "", false
	}
	enc := base64.StdEncoding
	if len(b64)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	raw, err := enc.Strict().DecodeString(b64)
	if err != nil {
		return "", "", false
	}
	user, pass, found := strings.Cut(string(raw), ":")
	if !found || user == "" {
		return "", "", false
	}
	if id, ok = decodeFormString(user); !ok {
		return "", "", false
	}
	if secret, ok = decodeFormString(pass); !ok {
		return "", "", false
	}
	return id, secret, true
}
