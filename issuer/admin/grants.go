package admin

import (
	"context"
	"fmt"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// GrantsBackend is the admin view of what users granted clients: consents
// from the authorization page and refresh-token families.
type GrantsBackend interface {
	// ListGrants returns the grants of the user userRef names (id or
	// username; "" means every user), to the client clientRef names (id or
	// name) when not "", ordered by user id and client id. Families list
	// only live ones, without the jtis of their access tokens.
	ListGrants(ctx context.Context, userRef, clientRef string) ([]*store.Grant, error)
	// RevokeGrants revokes what the user userRef names granted the client
	// clientRef names (every client when ""): its refresh families are
	// revoked, their access tokens enter the revocation set, and its
	// consents are deleted, in one transaction.
	RevokeGrants(ctx context.Context, userRef, clientRef string) (GrantsRevoked, error)
}

// GrantsRevoked counts what RevokeGrants revoked.
type GrantsRevoked struct {
	Families int `json:"families"`
	Consents int `json:"consents"`
}

// ListGrants implements GrantsBackend.
func (l *Local) ListGrants(_ context.Context, userRef, clientRef string) ([]*store.Grant, error) {
	userID, clientID, err := l.grantRefs(userRef, clientRef)
	if err != nil {
		return nil, err
	}
	gs, err := l.Store.Grants(userID, clientID, l.now())
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		for _, f := range g.Families {
			f.AccessJTIs = nil
		}
	}
	return gs, nil
}

// RevokeGrants implements GrantsBackend.
func (l *Local) RevokeGrants(_ context.Context, userRef, clientRef string) (GrantsRevoked, error) {
	if userRef == "" {
		return GrantsRevoked{}, fmt.Errorf("%w: revoking grants needs a user", store.ErrInvalid)
	}
	userID, clientID, err := l.grantRefs(userRef, clientRef)
	if err != nil {
		return GrantsRevoked{}, err
	}
	fams, cons, err := l.Store.RevokeGrants(userID, clientID, l.now())
	return GrantsRevoked{Families: fams, Consents: cons}, err
}

// grantRefs resolves a user and a client reference ("" stays "").
func (l *Local) grantRefs(userRef, clientRef string) (userID, clientID string, err error) {
	if userRef != "" {
		u, err := l.user(userRef)
		if err != nil {
			return "", "", err
		}
		userID = u.ID
	}
	if clientRef != "" {
		c, err := l.client(clientRef)
		if err != nil {
			return "", "", err
		}
		clientID = c.ID
	}
	return userID, clientID, nil
}

// now is the clock of grant operations: the signing options' when set.
func (l *Local) now() time.Time {
	if l.Signing.Now != nil {
		return l.Signing.Now()
	}
	return time.Now()
}

// ListGrants implements GrantsBackend.
func (r *Remote) ListGrants(ctx context.Context, userRef, clientRef string) ([]*store.Grant, error) {
	res, err := r.call(ctx, &request{Op: opGrantsList, Ref: userRef, ClientRef: clientRef})
	return res.Grants, err
}

// RevokeGrants implements GrantsBackend.
func (r *Remote) RevokeGrants(ctx context.Context, userRef, clientRef string) (GrantsRevoked, error) {
	res, err := r.call(ctx, &request{Op: opGrantsRevoke, Ref: userRef, ClientRef: clientRef})
	if err != nil {
		return GrantsRevoked{}, err
	}
	if res.Revoked == nil {
		return GrantsRevoked{}, fmt.Errorf("%w: response without counts", ErrProtocol)
	}
	return *res.Revoked, nil
}
