// Command fosite is the fosite peer of Tollgate's issuer benchmark: a minimal
// github.com/ory/fosite (v0.49.0, pinned in this directory's go.mod, its own
// module so that Tollgate's go.mod never requires fosite) token endpoint for
// the client_credentials grant, configured the way a careful user would
// configure it for a fair comparison:
//
//   - JWT access tokens (fosite's DefaultJWTStrategy), signed ES256 with a
//     P-256 key generated at start, typ "at+jwt", kid set, and the RFC 9068
//     claims Tollgate's tokens carry (iss, sub, aud, exp, iat, jti,
//     client_id, scope as a string);
//   - client secrets hashed with SHA-256 (fosite's default hasher is
//     bcrypt(12), which would measure bcrypt and nothing else);
//   - no per-token storage: CreateAccessTokenSession is a no-op, the one
//     client lives in memory.
//
// Usage: fosite --addr 127.0.0.1:9200 --client-id ID --client-secret S
// It serves POST /oauth2/token and prints "listening <issuer>" on stdout
// once it accepts connections.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/token/jwt"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9200", "listen address")
	id := flag.String("client-id", "bench", "client_id of the one client")
	secret := flag.String("client-secret", "bench-secret", "its client_secret")
	flag.Parse()
	if err := run(*addr, *id, *secret); err != nil {
		fmt.Fprintln(os.Stderr, "fosite peer:", err)
		os.Exit(1)
	}
}

func run(addr, id, secret string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	issuer := "http://" + addr
	cfg := &fosite.Config{
		AccessTokenLifespan:      time.Hour,
		AccessTokenIssuer:        issuer,
		TokenURL:                 issuer + "/oauth2/token",
		GlobalSecret:             []byte("a-32-byte-global-secret-for-hmac"),
		ClientSecretsHasher:      sha256Hasher{},
		ScopeStrategy:            fosite.ExactScopeStrategy,
		AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
		JWTScopeClaimKey:         jwt.JWTScopeFieldString, // RFC 9068: "scope", a string
	}
	sum := sha256.Sum256([]byte(secret))
	st := &memoryStore{client: &fosite.DefaultClient{
		ID:         id,
		Secret:     sum[:],
		GrantTypes: []string{"client_credentials"},
		Scopes:     []string{"read", "write", "admin"},
		Audience:   []string{"api"},
	}}
	strategy := compose.NewOAuth2JWTStrategy(
		func(context.Context) (any, error) { return key, nil },
		compose.NewOAuth2HMACStrategy(cfg), cfg)
	provider := compose.Compose(cfg, st, strategy, compose.OAuth2ClientCredentialsGrantFactory)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		sess := &oauth2.JWTSession{
			JWTClaims: &jwt.JWTClaims{Subject: id, Extra: map[string]any{"client_id": id}},
			JWTHeader: &jwt.Headers{Extra: map[string]any{"typ": "at+jwt", "kid": "bench-es256"}},
		}
		ar, err := provider.NewAccessRequest(ctx, r, sess)
		if err != nil {
			provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		for _, s := range ar.GetRequestedScopes() {
			ar.GrantScope(s)
		}
		for _, a := range ar.GetClient().GetAudience() {
			ar.GrantAudience(a)
		}
		sess.JWTClaims.Subject = ar.GetClient().GetID()
		resp, err := provider.NewAccessResponse(ctx, ar)
		if err != nil {
			provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		provider.WriteAccessResponse(ctx, w, ar, resp)
	})

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Println("listening", issuer)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-errc:
		return err
	case <-sig:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// sha256Hasher is a fosite.Hasher over SHA-256, as Tollgate's issuer hashes
// its high-entropy generated client secrets.
type sha256Hasher struct{}

func (sha256Hasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	sum := sha256.Sum256(data)
	return sum[:], nil
}

func (sha256Hasher) Compare(_ context.Context, hash, data []byte) error {
	sum := sha256.Sum256(data)
	if subtle.ConstantTimeCompare(hash, sum[:]) != 1 {
		return errors.New("hash mismatch")
	}
	return nil
}

// memoryStore holds the one client and stores no tokens.
type memoryStore struct{ client *fosite.DefaultClient }

var errNotFound = fosite.ErrNotFound

func (s *memoryStore) GetClient(_ context.Context, id string) (fosite.Client, error) {
	if id != s.client.ID {
		return nil, errNotFound
	}
	return s.client, nil
}

func (*memoryStore) ClientAssertionJWTValid(context.Context, string) error { return nil }

func (*memoryStore) SetClientAssertionJWT(context.Context, string, time.Time) error { return nil }

// CreateAccessTokenSession stores nothing: JWT access tokens are
// self-contained, as Tollgate's client_credentials tokens are.
func (*memoryStore) CreateAccessTokenSession(context.Context, string, fosite.Requester) error {
	return nil
}

func (*memoryStore) GetAccessTokenSession(context.Context, string, fosite.Session) (fosite.Requester, error) {
	return nil, errNotFound
}

func (*memoryStore) DeleteAccessTokenSession(context.Context, string) error { return nil }
