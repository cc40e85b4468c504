package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tollgate/tollgate/internal/promtext"
	"github.com/tollgate/tollgate/issuer"
	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

const serveSynopsis = "issuer serve --addr 127.0.0.1:9000 --db ./data/issuer.db [--issuer URL] [--audience api]… [--admin-listen ADDR]"

// serveFlags are serve's options; zero values mean the issuer's defaults.
type serveFlags struct {
	addr, db, issuer  string
	adminListen       string
	audience          []string
	tokenTTL, maxTTL  time.Duration
	jwksMaxAge        time.Duration
	publishAhead      time.Duration
	rotateEvery       time.Duration
	clientRate        float64
	clientBurst       int
	addrRate          float64
	addrBurst         int
	insecureNoLimit   bool
	trustedProxies    []netip.Prefix
	shutdownGraceTime time.Duration
}

// serve runs the issuer until SIGINT or SIGTERM: the HTTP endpoints on
// --addr, the admin socket beside the database, and /healthz and /metrics
// on --admin-listen when given.
func serve(e *env, args []string) error {
	var f serveFlags
	fs := newCommand(e, "serve", serveSynopsis[len("issuer serve "):], false)
	fs.StringVar(&f.addr, "addr", issuer.DefaultAddr, "listen `address`")
	fs.StringVar(&f.issuer, "issuer", "", "issuer identifier `URL` (default http://ADDR/o)")
	fs.StringVar(&f.adminListen, "admin-listen", "", "serve /healthz and Prometheus /metrics on this `address` (default: not served); keep it off the public network")
	fs.Var(listFlag{vals: &f.audience, sep: ","}, "audience", "default aud of access tokens (repeatable; default the issuer)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", 0, "default access-token lifetime (default 1h)")
	fs.DurationVar(&f.maxTTL, "max-token-ttl", 0, "cap on every access-token lifetime (default 24h)")
	fs.DurationVar(&f.jwksMaxAge, "jwks-max-age", 0, "Cache-Control max-age of the JWKS (default 5m)")
	fs.DurationVar(&f.publishAhead, "key-publish-ahead", 0, "how long a rotated key is published before it signs (default 2×jwks-max-age)")
	fs.DurationVar(&f.rotateEvery, "key-rotate-every", 0, "rotate each signing key after it has signed for this `duration`, at least 1h (default 0: only 'issuer keys rotate' rotates)")
	fs.Float64Var(&f.clientRate, "client-rate", 0, "token requests per second per client (default 100)")
	fs.IntVar(&f.clientBurst, "client-burst", 0, "token-request burst per client (default 200)")
	fs.Float64Var(&f.addrRate, "addr-rate", 0, "token requests per second per source address (default 200)")
	fs.IntVar(&f.addrBurst, "addr-burst", 0, "token-request burst per source address (default 400)")
	fs.Var(prefixFlag{&f.trustedProxies}, "trusted-proxy", "`CIDR` or address of a load balancer in front of the issuer (repeatable); rate limits and login throttling then key on the client in its X-Forwarded-For")
	fs.BoolVar(&f.insecureNoLimit, "insecure-no-rate-limit", false, "turn rate limiting off (benchmarks only)")
	fs.DurationVar(&f.shutdownGraceTime, "shutdown-grace", 10*time.Second, "how long SIGTERM waits for requests in flight")
	if _, err := fs.parse(args, 0, ""); err != nil {
		return err
	}
	if f.rotateEvery != 0 && f.rotateEvery < minRotateEvery {
		return fs.usage("--key-rotate-every %v: want 0 (off) or at least %v; every rotation adds a key to the JWKS for --max-token-ttl", f.rotateEvery, minRotateEvery)
	}
	f.db = fs.db
	return f.run(slog.New(slog.NewTextHandler(e.stderr, nil)))
}

func (f *serveFlags) run(log *slog.Logger) error {
	cfg := issuer.Config{
		Addr: f.addr, Issuer: f.issuer, Audience: f.audience,
		AccessTokenTTL: f.tokenTTL, MaxAccessTokenTTL: f.maxTTL, JWKSMaxAge: f.jwksMaxAge,
		ClientRateLimit:     issuer.RateLimit{Rate: f.clientRate, Burst: f.clientBurst},
		AddrRateLimit:       issuer.RateLimit{Rate: f.addrRate, Burst: f.addrBurst},
		InsecureNoRateLimit: f.insecureNoLimit,
		TrustedProxies:      f.trustedProxies,
		Logger:              log,
	}
	maxTTL := cmp.Or(f.maxTTL, issuer.DefaultMaxAccessTokenTTL)
	jwksMaxAge := cmp.Or(f.jwksMaxAge, issuer.DefaultJWKSMaxAge)
	sigOpt := signing.Options{
		JWKSMaxAge:   jwksMaxAge,
		PublishAhead: f.publishAhead,
		// A retired key stays published until the longest-lived token it
		// signed has expired, plus a minute for validators' clock leeway.
		MaxTokenTTL: maxTTL + time.Minute,
	}

	kek, err := store.LoadKEK(f.db, true)
	if err != nil {
		return err
	}
	st, err := store.Open(f.db, &store.Options{KEK: kek, Timeout: time.Second})
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("database %s is in use by another process (is serve already running?): %w", f.db, err)
		}
		return err
	}
	defer func() { _ = st.Close() }() // after Shutdown: nothing is left to write

	ring, err := admin.LoadRing(st, sigOpt)
	if err != nil {
		return err
	}
	var srv *issuer.Server
	local := &admin.Local{
		Store:        st,
		Signing:      ring.Options(),
		OnKeyAdded:   ring.Add,
		OnKeyRemoved: func(kid string) { ring.Remove(kid) },
		OnClientChanged: func(id string) {
			if srv != nil {
				srv.InvalidateClient(id)
			}
		},
	}
	ctx := context.Background()
	// ES256 signs access tokens by default; RS256 is kept active beside it
	// because OpenID Connect Discovery requires it for ID tokens.
	created, err := local.EnsureKeys(ctx, signing.ES256, signing.RS256)
	if err != nil {
		return err
	}
	for _, k := range created {
		log.Info("created signing key", "kid", k.Kid, "alg", k.Alg)
	}

	srv, err = issuer.New(cfg, st, ring)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	sock, err := admin.Listen(admin.SocketPath(f.db), local)
	if err != nil {
		_ = ln.Close()
		return err
	}
	go func() {
		if err := sock.Serve(); err != nil {
			log.Error("admin socket", "err", err)
		}
	}()
	defer func() { _ = sock.Close() }()

	errc := make(chan error, 2)
	logAttrs := []any{"issuer", srv.Issuer(), "addr", ln.Addr().String(), "admin_socket", sock.Path()}
	if f.adminListen != "" {
		aln, err := net.Listen("tcp", f.adminListen)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("--admin-listen: %w", err)
		}
		// Closed after Shutdown: during the grace time /healthz says 503,
		// so load balancers stop sending while requests in flight finish.
		adminSrv := &http.Server{Handler: promtext.AdminMux(srv.Healthy, srv.WriteMetrics), ReadHeaderTimeout: 10 * time.Second}
		defer func() { _ = adminSrv.Close() }()
		go func() {
			if err := adminSrv.Serve(aln); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("admin listener: %w", err)
			}
		}()
		logAttrs = append(logAttrs, "admin", aln.Addr().String())
	}
	go func() { errc <- srv.Serve(ln) }()
	stopKeyCare := keyCare(local, f.rotateEvery, log)
	defer stopKeyCare()
	log.Info("issuer serving", logAttrs...)

	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigc)
	select {
	case err := <-errc:
		return err
	case s := <-sigc:
		log.Info("shutting down", "signal", s.String())
	}
	sctx, cancel := context.WithTimeout(ctx, f.shutdownGraceTime)
	defer cancel()
	return srv.Shutdown(sctx)
}

// minRotateEvery bounds --key-rotate-every from below: each rotation keeps
// one more key per algorithm in the JWKS for --max-token-ttl.
const minRotateEvery = time.Hour

// keyCareInterval is how often serve checks its keys for rotation and
// deletion: a state change waits at most this long.
const keyCareInterval = time.Minute

// keyCare runs local.MaintainKeys now and every keyCareInterval until the
// returned stop is called (stop waits for a run in progress): expired keys
// are deleted, and keys are rotated every rotateEvery if it is positive.
func keyCare(local *admin.Local, rotateEvery time.Duration, log *slog.Logger) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(keyCareInterval)
		defer t.Stop()
		for {
			created, deleted, err := local.MaintainKeys(context.Background(), rotateEvery)
			for _, k := range created {
				log.Info("rotated signing key", "kid", k.Kid, "alg", k.Alg, "activates", k.Activated)
			}
			for _, kid := range deleted {
				log.Info("deleted expired signing key", "kid", kid)
			}
			if err != nil {
				log.Error("key maintenance", "err", err)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-exited }
}
