package issuer

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/tollgate/tollgate/internal/linger"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Connection limits of the fasthttp server.
const (
	readTimeout    = 10 * time.Second
	writeTimeout   = 10 * time.Second
	idleTimeout    = 2 * time.Minute
	readBufferSize = 8 << 10 // also the largest request header accepted
)

// Server is the issuer's HTTP server. Create it with [New]; its methods are
// safe for concurrent use.
type Server struct {
	cfg     Config
	prefix  string // issuer URL path, the prefix of every route
	clients *clientCache
	st      Store
	signer  Signer
	log     *slog.Logger

	routes      map[string]*route
	grants      map[string]grantFunc
	metricPaths []string // "other", then every route path in registration order
	metrics     *metrics // metrics.go

	byAddr   *limiter[netip.Addr] // nil when rate limiting is off
	byClient *limiter[string]

	loginByAddr *limiter[netip.Addr] // password checks; always on
	loginByUser *limiter[string]
	passwords   passwordChecker

	access *accessVerifier // verify.go
	feed   revocationFeed  // revoked.go
	purge  purger          // revoked.go

	metadata     staticDoc
	cacheControl string

	handler fasthttp.RequestHandler
	srv     *fasthttp.Server

	mu        sync.Mutex
	closed    bool           // Shutdown was called
	listeners []net.Listener // given to Serve
}

// New returns a server issuing tokens for the clients in st, keeping the
// user flows' state in st, signing with signer, configured by cfg (zero
// fields take their defaults). It fails, with an error wrapping ErrConfig
// or ErrUnsupportedAlg, when cfg is invalid or the signer does not offer
// cfg.SigningAlg.
func New(cfg Config, st Store, signer Signer) (*Server, error) {
	if st == nil || signer == nil {
		return nil, fmt.Errorf("%w: nil Store or Signer", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Flows, err = cfg.Flows.withDefaults(); err != nil {
		return nil, err
	}
	algs := signer.Algorithms()
	if !contains(algs, cfg.SigningAlg) {
		return nil, fmt.Errorf("%w: %s (signer offers %v)", ErrUnsupportedAlg, cfg.SigningAlg, algs)
	}
	s := &Server{
		cfg:          cfg,
		prefix:       issuerPath(cfg.Issuer),
		clients:      &clientCache{src: st, ttl: cfg.ClientCacheTTL, now: cfg.Now},
		st:           st,
		signer:       signer,
		log:          cfg.Logger,
		routes:       make(map[string]*route),
		metricPaths:  []string{"other"},
		cacheControl: cacheControl(int64(cfg.JWKSMaxAge / time.Second)),
		grants: map[string]grantFunc{
			store.GrantClientCredentials: clientCredentials,
		},
	}
	if !cfg.InsecureNoRateLimit {
		s.byAddr = newLimiter[netip.Addr](cfg.AddrRateLimit)
		s.byClient = newLimiter[string](cfg.ClientRateLimit)
	}
	s.loginByAddr = newLimiter[netip.Addr](cfg.Flows.LoginAddrRateLimit)
	s.loginByUser = newLimiter[string](cfg.Flows.LoginRateLimit)
	s.access = newAccessVerifier(s)
	s.purge.done = make(chan struct{})

	s.handle(s.path("token/"), s.handleToken, fasthttp.MethodPost).cors = corsClient
	s.handle(s.path(".well-known/openid-configuration"), s.handleDiscovery, fasthttp.MethodGet).cors = corsPublic
	s.handle("/.well-known/oauth-authorization-server"+s.prefix, s.handleDiscovery, fasthttp.MethodGet).cors = corsPublic
	s.handle(s.path(".well-known/jwks.json"), s.handleJWKS, fasthttp.MethodGet).cors = corsPublic
	s.registerTokenFlows()   // grants.go: authorization_code, refresh_token, password, revocation, introspection
	s.registerBrowserFlows() // browser.go: login, consent, /o/authorize/, userinfo, logout
	// After the flows registered their routes and grants: discovery lists
	// them, and the metrics count them.
	s.metrics = newMetrics(s.metricPaths, s.grants)
	if s.metadata, err = s.buildMetadata(algs); err != nil {
		return nil, fmt.Errorf("issuer: discovery document: %w", err)
	}

	s.handler = s.serve
	s.srv = &fasthttp.Server{
		Handler:               s.handler,
		ErrorHandler:          s.onReadError,
		Logger:                fasthttpLogger{s.log},
		MaxRequestBodySize:    cfg.MaxBodyBytes,
		ReadBufferSize:        readBufferSize,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		NoDefaultServerHeader: true,
		CloseOnShutdown:       true,
	}
	return s, nil
}

// Handler returns the server's request handler, for mounting on another
// fasthttp server or calling in tests. It enforces MaxBodyBytes itself but
// relies on its fasthttp.Server for read timeouts.
func (s *Server) Handler() fasthttp.RequestHandler { return s.handler }

// Issuer returns the issuer identifier in effect (Config.Issuer or its default).
func (s *Server) Issuer() string { return s.cfg.Issuer }

// Serve accepts connections on ln until Shutdown; it then returns nil. After
// Shutdown it closes ln and returns ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ln.Close()
		return ErrServerClosed
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	s.startPurging()
	return s.srv.Serve(linger.Listener(ln))
}

// ListenAndServe listens on Config.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	return s.Serve(ln)
}

// Shutdown closes the listeners and waits, until ctx is done, for requests
// in flight to finish. It is final: a later Serve fails.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopPurging()
	s.mu.Lock()
	s.closed = true
	lns := s.listeners
	s.listeners = nil
	s.mu.Unlock()
	err := s.srv.ShutdownWithContext(ctx)
	// A Serve that has not yet handed its listener to fasthttp would
	// otherwise accept forever.
	for _, ln := range lns {
		_ = ln.Close()
	}
	return err
}

// InvalidateClient drops client id from the client cache, so the next
// request reads it again; "" drops every client. Whoever changes or deletes
// a client while the server runs (the admin socket) calls it after the
// change is committed.
func (s *Server) InvalidateClient(id string) { s.clients.invalidate(id) }

// limitAddr takes a token from the source address's bucket.
func (s *Server) limitAddr(ctx *fasthttp.RequestCtx) *Error {
	if s.byAddr == nil {
		return nil
	}
	ok, wait := s.byAddr.allow(s.clientAddr(ctx), s.cfg.Now().UnixNano())
	if ok {
		return nil
	}
	return tooManyRequests(wait)
}

// limitClient takes a token from an authenticated client's bucket. It runs
// after authentication, so nobody can spend another client's budget.
func (s *Server) limitClient(id string) *Error {
	if s.byClient == nil {
		return nil
	}
	ok, wait := s.byClient.allow(id, s.cfg.Now().UnixNano())
	if ok {
		return nil
	}
	return tooManyRequests(wait)
}

func tooManyRequests(wait time.Duration) *Error {
	return &Error{
		Code:        CodeTemporarilyUnavailable,
		Description: "rate limit exceeded",
		Status:      fasthttp.StatusTooManyRequests,
		RetryAfter:  retryAfterSeconds(wait),
	}
}

// fasthttpLogger routes fasthttp's own messages (accept errors and the
// like) to the server's logger.
type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Warn("issuer: fasthttp: " + fmt.Sprintf(format, args...))
}
