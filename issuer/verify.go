package issuer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// codeInvalidToken is RFC 6750 §3.1's code for a bad bearer token.
const codeInvalidToken = "invalid_token"

// maxPooledAudienceSets bounds the validator pools, one per distinct
// audience set; past it validators are built per call (correct, slower).
const maxPooledAudienceSets = 64

// accessClaims are the claims of an access token this issuer minted and
// has just verified. User is the token's resource owner, nil for a
// client's own token (client_credentials: sub is the client id).
type accessClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience []string `json:"-"`
	ClientID string   `json:"client_id"`
	Scope    string   `json:"scope"`
	JTI      string   `json:"jti"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	Nbf      int64    `json:"nbf"`
	// RawAud is aud as the token carries it: a string or an array.
	RawAud json.RawMessage `json:"aud"`

	User *store.User `json:"-"`
}

// Username returns the resource owner's username, or "" for a client's
// own token.
func (c *accessClaims) Username() string {
	if c.User == nil {
		return ""
	}
	return c.User.Username
}

// HasScope reports whether the token's scope holds sc.
func (c *accessClaims) HasScope(sc string) bool {
	return slices.Contains(strings.Fields(c.Scope), sc)
}

// verifyAccessToken checks an access token as any validator would, with
// the one validation core (wasm/validator), and answers whether it is
// active now. The policy is the issuer's own:
//
//   - issuer: Config.Issuer; algorithms: those of the keys the ring
//     publishes (each key only for its own alg); typ at+jwt; no leeway,
//     since this is the clock that minted the token;
//   - audience: exactly what this issuer mints for the token's client_id
//     now (Client.Audience, else Config.Audience). A token that names a
//     deleted client, or whose aud is not its client's, is not ours to
//     vouch for;
//   - revocation: the revocation set as /o/revoked publishes it, reloaded
//     whenever it changes;
//   - a user token (sub is not the client id) needs its user to exist.
//
// Failures are invalid_token with the core's coarse description, or
// server_error when the store fails.
func (s *Server) verifyAccessToken(token []byte) (*accessClaims, *Error) {
	return s.access.verify(token, true, 0)
}

// accessVerifier verifies access tokens with pooled validators: a
// validator.Validator is not safe for concurrent use, so each call takes
// one from the pool of its audience set, refreshed if the published keys
// or the revocation set changed since it was last used.
type accessVerifier struct {
	s    *Server
	keys atomic.Pointer[keyState]

	mu    sync.Mutex
	pools map[string]*sync.Pool // by leeway and audience set; guarded by mu
}

// keyState is one JWKS document of the signer, parsed.
type keyState struct {
	etag string
	doc  []byte
	algs []string // the algorithms of its keys
}

// pooledValidator is a validator with the state it was loaded with.
type pooledValidator struct {
	v          *validator.Validator
	keys       *keyState
	revVersion uint64
	revLoaded  bool
}

func newAccessVerifier(s *Server) *accessVerifier {
	return &accessVerifier{s: s, pools: map[string]*sync.Pool{}}
}

// currentKeys returns the parsed current JWKS, reparsing when its ETag
// changed.
func (a *accessVerifier) currentKeys() *keyState {
	doc, etag := a.s.signer.JWKS()
	if ks := a.keys.Load(); ks != nil && ks.etag == etag {
		return ks
	}
	ks := &keyState{etag: etag, doc: doc}
	if set, err := jwks.Parse(doc); err == nil {
		for _, k := range set.Keys {
			if k.Alg != "" && !slices.Contains(ks.algs, k.Alg) {
				ks.algs = append(ks.algs, k.Alg)
			}
		}
	}
	a.keys.Store(ks)
	return ks
}

// pool returns the validator pool for a leeway and an audience set, or nil
// past maxPooledAudienceSets.
func (a *accessVerifier) pool(aud []string, leeway int64) *sync.Pool {
	key := strconv.FormatInt(leeway, 10) + "\x00" + strings.Join(aud, "\x00")
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.pools[key]
	if p == nil && len(a.pools) < maxPooledAudienceSets {
		p = &sync.Pool{}
		a.pools[key] = p
	}
	return p
}

// validatorFor returns a validator for aud and a clock leeway in seconds,
// loaded with the current keys and revocations, and the pool to return it
// to (nil: do not return).
func (a *accessVerifier) validatorFor(aud []string, leeway int64) (*pooledValidator, *sync.Pool, *Error) {
	s := a.s
	ks := a.currentKeys()
	p := a.pool(aud, leeway)
	var pv *pooledValidator
	if p != nil {
		pv, _ = p.Get().(*pooledValidator)
	}
	if pv == nil || pv.keys != ks {
		v, err := validator.New(&validator.Policy{
			Issuer:        s.cfg.Issuer,
			Audiences:     aud,
			Algorithms:    ks.algs,
			LeewaySeconds: leeway,
			JWKSURL:       s.cfg.Issuer + "/.well-known/jwks.json",
		})
		if err == nil {
			err = v.SetKeys(ks.doc)
		}
		if err != nil {
			s.log.Error("issuer: building the access-token validator", "err", err)
			return nil, nil, errServer("cannot verify tokens")
		}
		pv = &pooledValidator{v: v, keys: ks}
	}
	feed, err := s.revocations()
	if err != nil {
		s.log.Error("issuer: reading revocations", "err", err)
		return nil, nil, errServer("cannot read the revocation set")
	}
	if !pv.revLoaded || pv.revVersion != feed.version {
		if err := pv.v.SetRevocations(feed.body); err != nil {
			s.log.Error("issuer: loading revocations", "err", err)
			return nil, nil, errServer("cannot read the revocation set")
		}
		pv.revVersion, pv.revLoaded = feed.version, true
	}
	return pv, p, nil
}

// verify implements verifyAccessToken; with needUser false a user token
// whose user is gone still verifies (revocation needs only the jti), and
// leeway (seconds) accepts a token that far past its exp (revocation: edges
// accept such a token within their own leeway).
func (a *accessVerifier) verify(token []byte, needUser bool, leeway int64) (*accessClaims, *Error) {
	s := a.s
	if len(token) > validator.DefaultMaxTokenBytes {
		return nil, invalidToken("token too large")
	}
	// Which client's policy applies is read before verification; the
	// core then checks every byte, and the client_id must match.
	clientID, ok := peekClientID(token)
	if !ok {
		return nil, invalidToken("malformed token")
	}
	c, err := s.clients.Client(clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalidToken("unknown client")
	}
	if err != nil {
		s.log.Error("issuer: client lookup failed", "err", err)
		return nil, errServer("client lookup failed")
	}
	pv, p, e := a.validatorFor(s.audience(c), leeway)
	if e != nil {
		return nil, e
	}
	_, verr := pv.v.Validate(token, s.cfg.Now().Unix(), []byte("POST"), []byte("/"))
	if p != nil {
		p.Put(pv)
	}
	if verr != nil {
		return nil, invalidToken(verr.Description)
	}
	claims, ok := decodeClaims(token)
	if !ok || claims.ClientID != c.ID {
		return nil, invalidToken("malformed claims")
	}
	if claims.Subject != claims.ClientID {
		u, err := s.st.User(claims.Subject)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if needUser {
				return nil, invalidToken("unknown user")
			}
		case err != nil:
			s.log.Error("issuer: user lookup failed", "err", err)
			return nil, errServer("user lookup failed")
		default:
			claims.User = u
		}
	}
	return claims, nil
}

func invalidToken(desc string) *Error {
	return &Error{Code: codeInvalidToken, Description: desc, Status: 401}
}

// payloadOf returns the decoded middle segment of a compact JWS.
func payloadOf(token []byte) ([]byte, bool) {
	_, rest, ok := bytes.Cut(token, []byte{'.'})
	if !ok {
		return nil, false
	}
	seg, _, ok := bytes.Cut(rest, []byte{'.'})
	if !ok {
		return nil, false
	}
	p := make([]byte, base64.RawURLEncoding.DecodedLen(len(seg)))
	n, err := base64.RawURLEncoding.Decode(p, seg)
	return p[:n], err == nil
}

// peekClientID reads client_id from a token's payload without verifying
// anything: it only selects the policy to verify with.
func peekClientID(token []byte) (string, bool) {
	p, ok := payloadOf(token)
	if !ok {
		return "", false
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	if json.Unmarshal(p, &c) != nil || c.ClientID == "" {
		return "", false
	}
	return c.ClientID, true
}

// decodeClaims decodes a verified token's claims.
func decodeClaims(token []byte) (*accessClaims, bool) {
	p, ok := payloadOf(token)
	if !ok {
		return nil, false
	}
	c := new(accessClaims)
	if json.Unmarshal(p, c) != nil {
		return nil, false
	}
	var one string
	if json.Unmarshal(c.RawAud, &one) == nil {
		c.Audience = []string{one}
	} else if json.Unmarshal(c.RawAud, &c.Audience) != nil {
		return nil, false
	}
	return c, true
}
