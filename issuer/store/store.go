package store

import "time"

// Store is the issuer's persistent state, narrow enough that a distributed
// backend can implement it. Implementations are safe for concurrent use, and
// a write method that returns nil has made its change durable.
//
// Consumers that need only part of it should declare a smaller interface
// where they use it (the token endpoint needs little more than Client).
type Store interface {
	ClientStore
	UserStore
	KeyStore
	CodeStore
	RefreshStore
	RevocationStore
	GrantStore
	Purger
	// Close releases the store. Methods called afterwards return ErrClosed.
	Close() error
}

// ClientStore holds registered OAuth clients.
type ClientStore interface {
	// CreateClient validates c and stores it. It assigns c.ID when empty,
	// and sets c.Created and c.Updated. A taken name gives ErrDuplicate,
	// a failed validation ErrInvalid.
	CreateClient(c *Client) error
	// Client returns the client with this id, or ErrNotFound.
	Client(id string) (*Client, error)
	// ClientByName returns the client with this exact name, or ErrNotFound.
	ClientByName(name string) (*Client, error)
	// Clients returns every client, ordered by name.
	Clients() ([]*Client, error)
	// UpdateClient validates c and replaces the stored client c.ID with
	// it, keeping Created and setting Updated. A client whose Updated is
	// no longer ifUpdated (when that is not zero) gives ErrConflict, an
	// unknown one ErrNotFound, a name another client has ErrDuplicate, a
	// change of Type or a failed validation ErrInvalid.
	UpdateClient(c *Client, ifUpdated time.Time) error
	// DeleteClient removes the client, or returns ErrNotFound. In the same
	// transaction it revokes every refresh token family issued to the
	// client (their access tokens not yet RevocationGrace past exp join the
	// revocation set) and deletes every user's consent to it.
	DeleteClient(id string) error
}

// UserStore holds resource owners.
type UserStore interface {
	// CreateUser validates u and stores it. It assigns u.ID when empty,
	// and sets u.Created and u.Updated. A taken username gives
	// ErrDuplicate, a failed validation ErrInvalid.
	CreateUser(u *User) error
	// User returns the user with this id, or ErrNotFound.
	User(id string) (*User, error)
	// UserByName returns the user with this exact (case-sensitive)
	// username, or ErrNotFound.
	UserByName(username string) (*User, error)
	// Users returns every user, ordered by username.
	Users() ([]*User, error)
	// DeleteUser removes the user and their login sessions, or returns
	// ErrNotFound.
	DeleteUser(id string) error
	// SetUserPassword replaces the user's password hash (see HashPassword),
	// bumps Updated and ends the user's login sessions, in one
	// transaction, or returns ErrNotFound.
	SetUserPassword(id, hash string) error
}

// KeyStore holds signing keys, private parts encrypted at rest.
type KeyStore interface {
	// PutKeys inserts or replaces keys (by kid) in one transaction, so a
	// rotation that changes several keys is all-or-nothing.
	PutKeys(keys ...*Key) error
	// Keys returns every key with its private part decrypted, ordered by
	// creation time.
	Keys() ([]*Key, error)
	// DeleteKey removes a key (an expired retired one), or returns ErrNotFound.
	DeleteKey(kid string) error
}

// CodeStore holds authorization codes (RFC 6749 §4.1.2), each under the
// SHA-256 of the code so that the store never holds a usable one.
type CodeStore interface {
	// CreateCode stores c under SHA-256(code). c.Expires must be set;
	// a zero c.Created is set to now. A code already stored gives
	// ErrDuplicate.
	CreateCode(code string, c *AuthCode) error
	// Code returns the record of code, expired or redeemed alike, or
	// ErrNotFound.
	Code(code string) (*AuthCode, error)
	// RedeemCode is the exchange's commit point, one transaction: if the
	// code is unredeemed and unexpired at r.Now, it is marked redeemed
	// with what r issued (and r's refresh family is created). If it was
	// redeemed before, everything issued from it is revoked instead — its
	// family, and its access tokens into the revocation set — and the
	// result is ErrReplay. An expired code gives ErrExpired, an unknown
	// one ErrNotFound.
	RedeemCode(code string, r *Redemption) error
}

// Redemption is what one authorization code exchange issued.
type Redemption struct {
	Now    time.Time
	Access Revocation // the access token's jti and exp
	// RefreshToken, when not "", is stored with Family, a new family
	// (ID assigned when empty, Generation set to 1).
	RefreshToken string
	Family       *RefreshFamily
}

// RefreshStore holds refresh token families (rotation per RFC 9700
// §4.14.2). Tokens are stored as SHA-256 hashes.
type RefreshStore interface {
	// CreateRefreshFamily stores a new family f with its first token
	// (generation 1); f.ID is assigned when empty.
	CreateRefreshFamily(token string, f *RefreshFamily) error
	// RefreshTokenFamily returns the family of a refresh token and the
	// generation the token was issued as, or ErrNotFound. It judges
	// nothing: the caller compares the generation, expiry and revocation.
	RefreshTokenFamily(token string) (f *RefreshFamily, generation uint64, err error)
	// RotateRefresh replaces token, in one transaction that compares and
	// bumps the family's generation, by r.Next, and records r.Access in the
	// family. Of concurrent rotations of one token exactly one succeeds.
	// A token of another client gives ErrNotFound (and changes nothing); a
	// revoked family ErrRevoked; a token that is not the current generation
	// revokes the family and gives ErrReplay; an expired family or idle
	// token ErrExpired. It returns the updated family.
	RotateRefresh(token string, r *Rotation) (*RefreshFamily, error)
	// RevokeRefreshFamily revokes family id and puts its access tokens not
	// yet RevocationGrace past exp in the revocation set, in one
	// transaction. Revoking a revoked family does nothing; an unknown one
	// gives ErrNotFound.
	RevokeRefreshFamily(id string, now time.Time) error
}

// Rotation is one refresh: who asks, when, and what replaces the token.
type Rotation struct {
	ClientID string
	Now      time.Time
	Next     string        // the new refresh token
	IdleTTL  time.Duration // the new token's idle lifetime, capped at the family's end
	Access   Revocation    // the access token issued with it
}

// RevocationStore holds revoked JWT access tokens by jti until they expire.
type RevocationStore interface {
	// RevokeAccessTokens adds rs to the revocation set in one transaction.
	RevokeAccessTokens(rs ...Revocation) error
	// Revocations returns the entries whose Exp is after since, ordered by
	// jti.
	Revocations(since time.Time) ([]Revocation, error)
	// RevocationsVersion returns a counter that changes whenever an entry
	// is added to or removed from the revocation set. It is cheap.
	RevocationsVersion() (uint64, error)
}

// GrantStore is the admin view of what users granted clients.
type GrantStore interface {
	// Grants returns the grants of userID (of every user when ""), one per
	// user and client (only clientID's when not ""), ordered by user id and
	// client id: the consent and the families neither revoked nor expired
	// at now. A client with neither is absent.
	Grants(userID, clientID string, now time.Time) ([]*Grant, error)
	// RevokeGrants revokes every family of userID (with clientID when not
	// ""), puts their access tokens in the revocation set and deletes the
	// consents, in one transaction, and returns how many families and
	// consents it revoked.
	RevokeGrants(userID, clientID string, now time.Time) (families, consents int, err error)
}

// Purger drops records nobody can use any more.
type Purger interface {
	// PurgeExpired deletes, in one transaction, every authorization code,
	// refresh family (with its tokens) and revocation whose expiry is not
	// after cutoff, and returns how many records it deleted.
	PurgeExpired(cutoff time.Time) (int, error)
}

var _ Store = (*DB)(nil)

// SessionStore holds browser login sessions. A session is stored under the
// SHA-256 of its id (the cookie value), so the store never holds a usable
// cookie. Expiry is the caller's to enforce: Session returns expired
// records too, and DeleteExpiredSessions sweeps them.
type SessionStore interface {
	// CreateSession stores s under id (32-256 bytes, high entropy); an id
	// already in use gives ErrDuplicate, a session without a user or an
	// expiry ErrInvalid.
	CreateSession(id string, s *Session) error
	// Session returns the session with this id, or ErrNotFound.
	Session(id string) (*Session, error)
	// TouchSession sets the session's Expires (idle timeout sliding
	// forward), or returns ErrNotFound.
	TouchSession(id string, expires time.Time) error
	// DeleteSession removes the session (logout), or returns ErrNotFound.
	DeleteSession(id string) error
	// DeleteExpiredSessions removes every session whose Expires is not
	// after now and returns how many it removed.
	DeleteExpiredSessions(now time.Time) (int, error)
}

// ConsentStore holds the scopes users granted clients, which let a later
// authorization request with approval_prompt=auto skip the consent page.
type ConsentStore interface {
	// Consent returns userID's consent to clientID, or ErrNotFound.
	Consent(userID, clientID string) (*Consent, error)
	// GrantConsent adds scopes to userID's consent to clientID, creating
	// it, in one transaction; it returns the record as stored. Malformed
	// scope tokens or ids give ErrInvalid.
	GrantConsent(userID, clientID string, scopes []string) (*Consent, error)
	// Consents returns every consent of userID, ordered by client id.
	Consents(userID string) ([]*Consent, error)
	// DeleteConsent removes userID's consent to clientID, or returns ErrNotFound.
	DeleteConsent(userID, clientID string) error
}

var (
	_ SessionStore = (*DB)(nil)
	_ ConsentStore = (*DB)(nil)
)
