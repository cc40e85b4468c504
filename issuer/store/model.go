package store

import "time"

// Client types, after RFC 6749 §2.1.
const (
	Confidential = "confidential"
	Public       = "public"
)

// Grant types a client may be allowed.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantClientCredentials = "client_credentials"
	GrantPassword          = "password"
	GrantRefreshToken      = "refresh_token"
)

// Client is a registered OAuth 2.0 client: Django OAuth Toolkit's Application,
// extended with per-client token settings. Zero values mean the issuer's defaults.
type Client struct {
	ID           string   `json:"client_id"`
	Name         string   `json:"name"`                    // unique among clients
	OwnerUserID  string   `json:"owner_user_id,omitempty"` // optional
	Type         string   `json:"client_type"`             // Confidential or Public
	SecretHash   []byte   `json:"secret_hash,omitempty"`   // see HashSecret; nil for public clients
	RedirectURIs []string `json:"redirect_uris,omitempty"` // exact match
	GrantTypes   []string `json:"grant_types"`
	Scopes       []string `json:"scopes,omitempty"` // allowed scopes; the default grant is all of them
	// SkipAuthorization skips the consent page for this client (DOT's skip_authorization).
	SkipAuthorization bool `json:"skip_authorization,omitempty"`
	// AccessTokenTTL overrides the issuer's access-token lifetime when non-zero.
	AccessTokenTTL time.Duration `json:"access_token_ttl,omitempty"`
	// Audience is the aud claim of this client's access tokens; empty means the issuer default.
	Audience []string `json:"audience,omitempty"`
	// SigningAlg is the JWS algorithm of this client's access tokens; empty means the issuer default.
	SigningAlg string `json:"signing_alg,omitempty"`
	// ResponseTypes beyond "code" this client may use ("id_token", "code id_token", "token"); off by default.
	ResponseTypes []string `json:"response_types,omitempty"`
	// AllowPlainPKCE permits code_challenge_method=plain for this client.
	AllowPlainPKCE bool `json:"allow_plain_pkce,omitempty"`
	// IDTokenSignedResponseAlg is the alg of this client's ID tokens (OIDC Registration); empty means RS256.
	IDTokenSignedResponseAlg string `json:"id_token_signed_response_alg,omitempty"`
	// PostLogoutRedirectURIs are the exact URIs RP-initiated logout may return to.
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	// AllowedOrigins are the browser origins (ParseOrigin's form) that may
	// read this client's token, revocation and introspection responses
	// through CORS, for single-page apps (DOT's allowed_origins).
	AllowedOrigins []string `json:"allowed_origins,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// AllowsGrant reports whether the client may use grant type g.
func (c *Client) AllowsGrant(g string) bool {
	for _, x := range c.GrantTypes {
		if x == g {
			return true
		}
	}
	return false
}

// User is a resource owner who can log in.
type User struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"` // unique
	PasswordHash string    `json:"password_hash,omitempty"`
	Email        string    `json:"email,omitempty"`
	Name         string    `json:"name,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

// Key states: a key is published while next, signs while active, and stays
// published while retired until every token it signed has expired; then it
// is expired and may be deleted. The signing ring derives the state from the
// timestamps; State records it as of the key's last write.
const (
	KeyNext    = "next"
	KeyActive  = "active"
	KeyRetired = "retired"
	KeyExpired = "expired"
)

// Key is a signing key record. Private holds the PKCS #8 DER private key in
// memory only: the store encrypts it with the key-encryption key at rest.
type Key struct {
	Kid       string    `json:"kid"`
	Alg       string    `json:"alg"`
	State     string    `json:"state"`
	Private   []byte    `json:"-"`
	Created   time.Time `json:"created"`
	Activated time.Time `json:"activated,omitzero"`
	Retired   time.Time `json:"retired,omitzero"`
	// Expires is when a retired key may be dropped from the JWKS: its
	// retirement plus the longest lifetime of a token it could have signed.
	Expires time.Time `json:"expires,omitzero"`
}

// AuthCode is an issued authorization code (RFC 6749 §4.1), stored under
// the SHA-256 of the code so the store never holds a usable code.
type AuthCode struct {
	ClientID    string    `json:"client_id"`
	UserID      string    `json:"user_id"`
	RedirectURI string    `json:"redirect_uri"` // as sent in the authorization request ("" if omitted)
	Scope       string    `json:"scope"`        // space-separated, granted
	Nonce       string    `json:"nonce,omitempty"`
	AuthTime    time.Time `json:"auth_time"`
	// CodeChallenge and CodeChallengeMethod (S256 or plain) bind the code
	// to a PKCE verifier; empty when the request had no challenge.
	CodeChallenge       string    `json:"code_challenge,omitempty"`
	CodeChallengeMethod string    `json:"code_challenge_method,omitempty"`
	Created             time.Time `json:"created"`
	Expires             time.Time `json:"expires"`
	// Redeemed is set, in the same transaction that reads it, by the first
	// exchange; a second exchange is a replay.
	Redeemed bool `json:"redeemed,omitempty"`
	// FamilyID and AccessJTIs record what the exchange issued, so a replay
	// can revoke it all.
	FamilyID   string       `json:"family_id,omitempty"`
	AccessJTIs []Revocation `json:"access_jtis,omitempty"`
}

// Revocation is a revoked (or revocable) JWT access token, by jti, kept
// until the token would have expired anyway.
type Revocation struct {
	JTI string    `json:"jti"`
	Exp time.Time `json:"exp"`
}

// Consent records the scopes a user granted a client (approval_prompt=auto).
type Consent struct {
	UserID   string    `json:"user_id"`
	ClientID string    `json:"client_id"`
	Scopes   []string  `json:"scopes"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Session is a browser login session, stored under the SHA-256 of its id.
type Session struct {
	UserID   string    `json:"user_id"`
	AuthTime time.Time `json:"auth_time"`
	Expires  time.Time `json:"expires"`
}

// RefreshFamily is one chain of rotated refresh tokens descending from a
// single grant (an authorization code exchange or a password grant). Only
// the token of the current Generation is usable; presenting an older one is
// a reuse and revokes the family (RFC 9700 §4.14.2).
type RefreshFamily struct {
	ID       string    `json:"id"`
	ClientID string    `json:"client_id"`
	UserID   string    `json:"user_id"`
	Scope    string    `json:"scope"` // granted at the start; refreshes may narrow their access tokens, never this
	AuthTime time.Time `json:"auth_time,omitzero"`
	// Generation is the generation of the one usable token; it starts at 1
	// and each rotation bumps it.
	Generation uint64    `json:"generation"`
	Created    time.Time `json:"created"`
	LastUsed   time.Time `json:"last_used"`
	// Expires is the family's absolute end; IdleExpires the current token's
	// (LastUsed plus the idle lifetime, never after Expires).
	Expires     time.Time `json:"expires"`
	IdleExpires time.Time `json:"idle_expires"`
	Revoked     bool      `json:"revoked,omitempty"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
	// AccessJTIs are the unexpired access tokens issued in the family,
	// revoked with it.
	AccessJTIs []Revocation `json:"access_jtis,omitempty"`
}

// refreshToken is the record under SHA-256(refresh token): the family and
// the generation the token was issued as.
type refreshToken struct {
	FamilyID   string `json:"family_id"`
	Generation uint64 `json:"generation"`
}

// Grant is what one user has granted one client: the consent record of
// the authorization page, and the refresh token families still usable.
type Grant struct {
	UserID   string           `json:"user_id"`
	ClientID string           `json:"client_id"`
	Consent  *Consent         `json:"consent,omitempty"`
	Families []*RefreshFamily `json:"families,omitempty"`
}
