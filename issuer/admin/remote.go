package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// DefaultRemoteTimeout bounds one Remote call when ctx has no deadline. It
// is generous because a rotation may generate an RSA key.
const DefaultRemoteTimeout = time.Minute

// Remote is a Backend that forwards each call over the admin socket to a
// Server. It holds no connection: each call dials, sends one request and
// reads one response. The zero Timeout means DefaultRemoteTimeout.
type Remote struct {
	Path    string        // socket path, normally SocketPath(db)
	Timeout time.Duration // per call, when ctx has no deadline
}

var _ Backend = (*Remote)(nil)

// AddClient implements Backend.
func (r *Remote) AddClient(ctx context.Context, tmpl *store.Client) (*store.Client, string, error) {
	res, err := r.call(ctx, &request{Op: opClientAdd, Client: tmpl})
	if err != nil {
		return nil, "", err
	}
	return res.Client, res.Secret, nil
}

// ListClients implements Backend.
func (r *Remote) ListClients(ctx context.Context) ([]*store.Client, error) {
	res, err := r.call(ctx, &request{Op: opClientList})
	return res.Clients, err
}

// ShowClient implements Backend.
func (r *Remote) ShowClient(ctx context.Context, ref string) (*store.Client, error) {
	res, err := r.call(ctx, &request{Op: opClientShow, Ref: ref})
	return res.Client, err
}

// UpdateClient implements Backend.
func (r *Remote) UpdateClient(ctx context.Context, ref string, c *store.Client, newSecret bool) (*store.Client, string, error) {
	res, err := r.call(ctx, &request{Op: opClientUpdate, Ref: ref, Client: c, NewSecret: newSecret})
	if err != nil {
		return nil, "", err
	}
	return res.Client, res.Secret, nil
}

// DeleteClient implements Backend.
func (r *Remote) DeleteClient(ctx context.Context, ref string) error {
	_, err := r.call(ctx, &request{Op: opClientDelete, Ref: ref})
	return err
}

// AddUser implements Backend.
func (r *Remote) AddUser(ctx context.Context, username, password string) (*store.User, error) {
	res, err := r.call(ctx, &request{Op: opUserAdd, Username: username, Password: password})
	return res.User, err
}

// ListUsers implements Backend.
func (r *Remote) ListUsers(ctx context.Context) ([]*store.User, error) {
	res, err := r.call(ctx, &request{Op: opUserList})
	return res.Users, err
}

// DeleteUser implements Backend.
func (r *Remote) DeleteUser(ctx context.Context, ref string) error {
	_, err := r.call(ctx, &request{Op: opUserDelete, Ref: ref})
	return err
}

// SetUserPassword implements Backend.
func (r *Remote) SetUserPassword(ctx context.Context, ref, password string) error {
	_, err := r.call(ctx, &request{Op: opUserPasswd, Ref: ref, Password: password})
	return err
}

// ListKeys implements Backend.
func (r *Remote) ListKeys(ctx context.Context) ([]KeyInfo, error) {
	res, err := r.call(ctx, &request{Op: opKeysList})
	return res.Keys, err
}

// RotateKeys implements Backend.
func (r *Remote) RotateKeys(ctx context.Context, alg string) (KeyInfo, error) {
	res, err := r.call(ctx, &request{Op: opKeysRotate, Alg: alg})
	if err != nil {
		return KeyInfo{}, err
	}
	if res.Key == nil {
		return KeyInfo{}, fmt.Errorf("%w: response without a key", ErrProtocol)
	}
	return *res.Key, nil
}

// call sends req and returns the response; on error the response is empty
// (never nil) and err is an *Error for an operation error, or wraps
// ErrUnavailable or ErrProtocol.
func (r *Remote) call(ctx context.Context, req *request) (*response, error) {
	empty := &response{}
	if _, ok := ctx.Deadline(); !ok {
		t := r.Timeout
		if t <= 0 {
			t = DefaultRemoteTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", r.Path)
	if err != nil {
		return empty, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer func() { _ = c.Close() }()
	deadline, _ := ctx.Deadline()
	_ = c.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	req.V = protocolVersion
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return empty, fmt.Errorf("%w: send: %w", ErrUnavailable, err)
	}
	var res response
	if err := json.NewDecoder(io.LimitReader(c, maxResponseBytes)).Decode(&res); err != nil {
		return empty, fmt.Errorf("%w: read response from %s: %w", ErrProtocol, r.Path, err)
	}
	if res.Error != "" || res.Code != "" {
		return empty, &Error{Code: res.Code, Message: res.Error}
	}
	return &res, nil
}
