package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/issuer"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// Benchmark constants: the issuer identifier, audience and scopes of every
// token the benchmarks validate, and the request they authorize.
const (
	Issuer   = "http://127.0.0.1:9000/o"
	Audience = "api"
	Scopes   = "read write admin" // three scopes, as a typical service client holds
	Method   = "GET"
	Path     = "/things"
	// RequiredScope is the scope the benchmark policy requires of every request.
	RequiredScope = "read"
)

// Algorithms are the JWS algorithms benchmarked, in report order.
var Algorithms = []string{signing.RS256, signing.PS256, signing.ES256, signing.EdDSA}

// Fixture is a real issuer running in process — bbolt store, signing ring
// with one active key per algorithm, one client_credentials client per
// algorithm — that mints access tokens exactly as `issuer serve` does, by
// calling its token endpoint. It is safe for concurrent use.
type Fixture struct {
	db      *store.DB
	ring    *signing.Ring
	keys    map[string]*signing.Key
	handler fasthttp.RequestHandler
	clients map[string]credentials // by algorithm
}

type credentials struct{ id, secret string }

// NewFixture opens a store under dir (which must exist and be empty of a
// previous fixture's database), generates the keys and registers the
// clients. RSA key generation makes it take up to a few seconds.
func NewFixture(dir string) (*Fixture, error) {
	db, err := store.Open(filepath.Join(dir, "fixture.db"), &store.Options{KEK: make([]byte, store.KEKSize)})
	if err != nil {
		return nil, err
	}
	f := &Fixture{db: db, ring: signing.NewRing(nil, signing.Options{}), keys: map[string]*signing.Key{}, clients: map[string]credentials{}}
	for _, alg := range Algorithms {
		k, err := f.ring.Rotate(alg)
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		f.ring.Add(k)
		f.keys[alg] = k
		secret, hash := store.NewSecret()
		c := &store.Client{
			Name: "bench-" + alg, Type: store.Confidential, SecretHash: hash,
			GrantTypes: []string{store.GrantClientCredentials},
			Scopes:     strings.Fields(Scopes), Audience: []string{Audience}, SigningAlg: alg,
		}
		if err := db.CreateClient(c); err != nil {
			_ = db.Close()
			return nil, err
		}
		f.clients[alg] = credentials{c.ID, secret}
	}
	srv, err := issuer.New(issuer.Config{
		Issuer:              Issuer,
		Audience:            []string{Audience},
		InsecureNoRateLimit: true,
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, db, f.ring)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	f.handler = srv.Handler()
	return f, nil
}

// Close closes the store.
func (f *Fixture) Close() error { return f.db.Close() }

// Mint returns a fresh access token signed with alg, from a
// client_credentials request to the issuer's token endpoint for all of
// Scopes. Every call returns a different token (a fresh jti).
func (f *Fixture) Mint(alg string) ([]byte, error) {
	c, ok := f.clients[alg]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
	}
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(fasthttp.MethodPost)
	ctx.Request.SetRequestURI("/o/token/")
	ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
	ctx.Request.Header.Set(fasthttp.HeaderAuthorization, BasicAuth(c.id, c.secret))
	ctx.Request.SetBodyString("grant_type=client_credentials&scope=" + strings.ReplaceAll(Scopes, " ", "+"))
	f.handler(&ctx)
	if ctx.Response.StatusCode() != fasthttp.StatusOK {
		return nil, fmt.Errorf("%w: token endpoint answered %d: %s", ErrUnexpected, ctx.Response.StatusCode(), ctx.Response.Body())
	}
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(ctx.Response.Body(), &resp); err != nil || resp.AccessToken == "" {
		return nil, fmt.Errorf("%w: token response %q", ErrUnexpected, ctx.Response.Body())
	}
	return []byte(resp.AccessToken), nil
}

// JWKS returns the issuer's published JWK Set document.
func (f *Fixture) JWKS() []byte {
	doc, _ := f.ring.JWKS()
	return doc
}

// Key returns the issuer's signing key for alg.
func (f *Fixture) Key(alg string) *signing.Key { return f.keys[alg] }

// Policy returns the edge policy document for the fixture's tokens: its
// issuer, the audience, RequiredScope on every request and the JWKS inline,
// with the members of extra added (e.g. "cache_entries": 0).
func (f *Fixture) Policy(extra map[string]any) []byte {
	p := map[string]any{
		"issuer":    Issuer,
		"audiences": []string{Audience},
		"scopes":    []string{RequiredScope},
		"jwks":      json.RawMessage(f.JWKS()),
	}
	for k, v := range extra {
		p[k] = v
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // only JSON-marshalable values are passed
	}
	return b
}
