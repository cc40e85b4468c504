package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// runUpstream serves the trivial upstream of the proxy runs: every request
// gets 200 "ok\n". It stops on SIGINT or SIGTERM.
func runUpstream(args []string) int {
	fs := flag.NewFlagSet("bench upstream", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return serve(*listen, &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.SetBodyString("ok\n")
		},
		Name: "bench-upstream",
	})
}

// runPassthrough serves a plain reverse proxy to --upstream with no
// authorization at all, forwarding exactly as `edge proxy` does (the same
// fasthttp client settings and hop-by-hop header handling): the cost of
// the extra HTTP hop alone, to tell it apart from the cost of validation.
func runPassthrough(args []string) int {
	fs := flag.NewFlagSet("bench passthrough", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	upstream := fs.String("upstream", "", "upstream host:port")
	if err := fs.Parse(args); err != nil || *upstream == "" {
		return 2
	}
	hc := &fasthttp.HostClient{
		Addr: *upstream, MaxConns: 4096, MaxIdleConnDuration: 90 * time.Second,
		ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second,
		DisableHeaderNamesNormalizing: true, DisablePathNormalizing: true, NoDefaultUserAgentHeader: true,
	}
	hop := []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}
	return serve(*listen, &fasthttp.Server{
		Name: "bench-passthrough", NoDefaultServerHeader: true, ReadBufferSize: 16 << 10,
		Handler: func(ctx *fasthttp.RequestCtx) {
			req := &ctx.Request
			for _, h := range hop {
				req.Header.Del(h)
			}
			req.Header.Add("X-Forwarded-For", ctx.RemoteIP().String())
			resp := &ctx.Response
			if err := hc.Do(req, resp); err != nil {
				resp.Reset()
				ctx.Error("bad gateway", fasthttp.StatusBadGateway)
				return
			}
			for _, h := range hop {
				resp.Header.Del(h)
			}
		},
	})
}

// serve runs srv on listen until SIGINT or SIGTERM.
func serve(listen string, srv *fasthttp.Server) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(listen) }()
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	case <-ctx.Done():
	}
	_ = srv.Shutdown()
	return 0
}
