package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tollgate/tollgate/edge"
	"github.com/tollgate/tollgate/edge/forward"
	"github.com/tollgate/tollgate/internal/promtext"
)

// runProxy implements `edge proxy`.
func runProxy(ctx context.Context, args []string, stderr io.Writer) int {
	c, code := parseCommand("edge proxy", args, stderr)
	if c == nil {
		return code
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		fmt.Fprintf(stderr, "edge proxy: --listen: %v\n", err)
		return 1
	}
	admin, err := net.Listen("tcp", c.adminListen)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "edge proxy: --admin-listen: %v\n", err)
		return 1
	}
	if err := serveProxy(ctx, c, ln, admin, log); err != nil {
		fmt.Fprintf(stderr, "edge proxy: %v\n", err)
		return 1
	}
	return 0
}

// serveProxy runs the proxy on ln and the admin endpoints on admin until ctx
// is done, then shuts both down. It owns (and closes) both listeners.
func serveProxy(ctx context.Context, c *proxyConfig, ln, admin net.Listener, log *slog.Logger) error {
	defer ln.Close()
	defer admin.Close()
	host, err := edge.New(ctx, edge.Options{
		Policy:     c.policy,
		ModulePath: c.module,
		CacheDir:   c.cacheDir,
		PoolSize:   c.pool,
		MinRefresh: c.minRefresh,
		Logger:     log,
	})
	if err != nil {
		return err
	}
	defer func() { _ = host.Close(context.Background()) }()

	up := forward.NewUpstream(c.upstream)
	srv := forward.NewServer("tollgate-edge", host.FastHTTP(up.Serve), fasthttpLogger{log})
	adminSrv := &http.Server{Handler: adminMux(host, up), ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 2)
	go func() { errc <- forward.Serve(srv, ln) }()
	go func() { errc <- adminSrv.Serve(admin) }()
	log.Info("edge proxy listening", "addr", ln.Addr().String(), "admin", admin.Addr().String(), "upstream", c.upstream.String())

	select {
	case <-ctx.Done():
		err = nil
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = adminSrv.Shutdown(sctx)
	_ = srv.ShutdownWithContext(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// errNoKeys is the edge's /healthz answer until it has keys.
var errNoKeys = errors.New("no keys yet")

// adminMux serves /healthz (200 once the host has keys, 503 before) and
// /metrics (Prometheus text format): the host's and the upstream's.
func adminMux(host *edge.Host, up *forward.Upstream) *http.ServeMux {
	return promtext.AdminMux(func() error {
		if !host.Ready() {
			return errNoKeys
		}
		return nil
	}, func(w io.Writer) error {
		if err := host.WriteMetrics(w); err != nil {
			return err
		}
		return up.WriteMetrics(w)
	})
}

// fasthttpLogger routes fasthttp's messages to slog.
type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	l.log.Warn(fmt.Sprintf(format, args...))
}
