package admin

import (
	"context"
	"fmt"

	"github.com/tollgate/tollgate/issuer/store"
)

// protocolVersion is sent in every request; the server rejects others.
const protocolVersion = 1

// Size limits of one request and one response.
const (
	maxRequestBytes  = 1 << 20
	maxResponseBytes = 64 << 20
)

// Operation names on the wire.
const (
	opClientAdd    = "client.add"
	opClientList   = "client.list"
	opClientShow   = "client.show"
	opClientDelete = "client.delete"
	opClientUpdate = "client.update"
	opUserAdd      = "user.add"
	opUserList     = "user.list"
	opUserDelete   = "user.delete"
	opUserPasswd   = "user.passwd"
	opKeysList     = "keys.list"
	opKeysRotate   = "keys.rotate"
	opGrantsList   = "grants.list"
	opGrantsRevoke = "grants.revoke"
)

// request is one admin call; Op says which fields are used.
type request struct {
	V        int           `json:"v"`
	Op       string        `json:"op"`
	Client   *store.Client `json:"client,omitempty"`
	Ref      string        `json:"ref,omitempty"`
	Username string        `json:"username,omitempty"`
	Password string        `json:"password,omitempty"`
	Alg      string        `json:"alg,omitempty"`
	// NewSecret asks client.update for a fresh secret.
	NewSecret bool `json:"new_secret,omitempty"`
	// ClientRef narrows grants.* to a client; Ref names the user.
	ClientRef string `json:"client_ref,omitempty"`
}

// response is the answer to one request: Error and Code, or the results.
type response struct {
	Error   string          `json:"error,omitempty"`
	Code    string          `json:"code,omitempty"`
	Client  *store.Client   `json:"client,omitempty"`
	Secret  string          `json:"secret,omitempty"`
	Clients []*store.Client `json:"clients,omitempty"`
	User    *store.User     `json:"user,omitempty"`
	Users   []*store.User   `json:"users,omitempty"`
	Keys    []KeyInfo       `json:"keys,omitempty"`
	Key     *KeyInfo        `json:"key,omitempty"`
	Grants  []*store.Grant  `json:"grants,omitempty"`
	Revoked *GrantsRevoked  `json:"revoked,omitempty"`
}

// dispatch performs req on b.
func dispatch(ctx context.Context, b Backend, req *request) *response {
	var (
		res response
		err error
	)
	switch {
	case req.V != protocolVersion:
		err = fmt.Errorf("%w: protocol version %d, server speaks %d", ErrProtocol, req.V, protocolVersion)
	case req.Op == opClientAdd:
		res.Client, res.Secret, err = b.AddClient(ctx, req.Client)
	case req.Op == opClientList:
		res.Clients, err = b.ListClients(ctx)
	case req.Op == opClientShow:
		res.Client, err = b.ShowClient(ctx, req.Ref)
	case req.Op == opClientUpdate:
		res.Client, res.Secret, err = b.UpdateClient(ctx, req.Ref, req.Client, req.NewSecret)
	case req.Op == opClientDelete:
		err = b.DeleteClient(ctx, req.Ref)
	case req.Op == opUserAdd:
		res.User, err = b.AddUser(ctx, req.Username, req.Password)
	case req.Op == opUserList:
		res.Users, err = b.ListUsers(ctx)
	case req.Op == opUserDelete:
		err = b.DeleteUser(ctx, req.Ref)
	case req.Op == opUserPasswd:
		err = b.SetUserPassword(ctx, req.Ref, req.Password)
	case req.Op == opKeysList:
		res.Keys, err = b.ListKeys(ctx)
	case req.Op == opKeysRotate:
		var k KeyInfo
		k, err = b.RotateKeys(ctx, req.Alg)
		res.Key = &k
	case req.Op == opGrantsList:
		res.Grants, err = b.ListGrants(ctx, req.Ref, req.ClientRef)
	case req.Op == opGrantsRevoke:
		var n GrantsRevoked
		n, err = b.RevokeGrants(ctx, req.Ref, req.ClientRef)
		res.Revoked = &n
	default:
		err = fmt.Errorf("%w: unknown operation %q", ErrProtocol, req.Op)
	}
	if err != nil {
		return errorResponse(err)
	}
	return &res
}

func errorResponse(err error) *response {
	return &response{Error: err.Error(), Code: codeOf(err)}
}
