package issuer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// maxIDTokenHint bounds an id_token_hint.
const maxIDTokenHint = 16 << 10

// verifyIDTokenHint reports whether hint is an ID token this issuer signed
// (typ JWT, a published key, our iss), expired or not, and returns its
// audience and subject. RP-initiated logout and the authorization endpoint
// take such a hint.
func (b *browser) verifyIDTokenHint(hint string) (aud []string, sub string, ok bool) {
	if len(hint) > maxIDTokenHint {
		return nil, "", false
	}
	parts := strings.Split(hint, ".")
	if len(parts) != 3 {
		return nil, "", false
	}
	dec := base64.RawURLEncoding.DecodeString
	hdrJSON, err1 := dec(parts[0])
	payload, err2 := dec(parts[1])
	sig, err3 := dec(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, "", false
	}
	var hdr struct {
		Alg, Kid, Typ string
		Crit          json.RawMessage
	}
	if json.Unmarshal(hdrJSON, &hdr) != nil || hdr.Typ != typIDToken || hdr.Crit != nil ||
		!slices.Contains(b.s.signer.Algorithms(), hdr.Alg) {
		return nil, "", false
	}
	doc, _ := b.s.signer.JWKS()
	set, err := jwks.Parse(doc)
	if err != nil {
		return nil, "", false
	}
	key := set.Lookup(hdr.Kid)
	if key == nil || !validator.VerifySignature(hdr.Alg, key, []byte(parts[0]+"."+parts[1]), sig) {
		return nil, "", false
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Iss != b.s.cfg.Issuer || claims.Sub == "" {
		return nil, "", false
	}
	var one string
	if json.Unmarshal(claims.Aud, &one) == nil {
		return []string{one}, claims.Sub, true
	}
	if json.Unmarshal(claims.Aud, &aud) != nil || len(aud) == 0 || bytes.Equal(claims.Aud, []byte("null")) {
		return nil, "", false
	}
	return aud, claims.Sub, true
}

// checkIDTokenHint reads the authorization request's id_token_hint: when
// it names a user, a session of another user does not count
// (authzRequest.hintSub, see needsLogin). A hint that is not an ID token
// of this issuer is invalid_request.
func (b *browser) checkIDTokenHint(r *authzRequest, f *form) *authzError {
	hint, e := f.one("id_token_hint")
	if e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if hint == "" {
		return nil
	}
	_, sub, ok := b.verifyIDTokenHint(hint)
	if !ok {
		return authzErr(CodeInvalidRequest, "id_token_hint is not an ID token issued here")
	}
	r.hintSub = sub
	return nil
}
