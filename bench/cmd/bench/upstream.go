package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/edge/forward"
)

// runUpstream serves the trivial upstream of the proxy runs: every request
// gets 200 "ok\n". It stops on SIGINT or SIGTERM.
func runUpstream(args []string) int {
	fs := flag.NewFlagSet("bench upstream", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.SetBodyString("ok\n")
		},
		Name: "bench-upstream",
	}
	return serve(*listen, srv, srv.Serve)
}

// runPassthrough serves a plain reverse proxy to --upstream with no
// authorization at all, forwarding exactly as `edge proxy` does (the same
// edge/forward server and upstream): the cost of the extra HTTP hop alone,
// to tell it apart from the cost of validation.
func runPassthrough(args []string) int {
	fs := flag.NewFlagSet("bench passthrough", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	upstream := fs.String("upstream", "", "upstream host:port")
	if err := fs.Parse(args); err != nil || *upstream == "" {
		return 2
	}
	up := forward.NewUpstream(&url.URL{Scheme: "http", Host: *upstream})
	srv := forward.NewServer("bench-passthrough", up.Serve, nil)
	return serve(*listen, srv, func(ln net.Listener) error { return forward.Serve(srv, ln) })
}

// runRelay copies bytes between each client connection and its own
// connection to --upstream, without reading them as HTTP: the cost of an
// extra loopback hop through the Go runtime's network poller with no
// proxy work at all, the floor under passthrough and edge proxy.
func runRelay(args []string) int {
	fs := flag.NewFlagSet("bench relay", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	upstream := fs.String("upstream", "", "upstream host:port")
	if err := fs.Parse(args); err != nil || *upstream == "" {
		return 2
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go relay(c, *upstream)
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	_ = ln.Close()
	return 0
}

func relay(c net.Conn, upstream string) {
	defer c.Close()
	u, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer u.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(u, c)
		_ = u.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	_, _ = io.Copy(c, u)
	<-done
}

// serve runs srv on listen (with run: srv.Serve or another way to serve
// it) until SIGINT or SIGTERM.
func serve(listen string, srv *fasthttp.Server, run func(net.Listener) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	errc := make(chan error, 1)
	go func() { errc <- run(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	case <-ctx.Done():
	}
	_ = srv.Shutdown()
	return 0
}
