package main

import (
	"time"

	"github.com/valyala/fasthttp"
)

// hopHeaders are connection-specific (RFC 9110 §7.6.1) and not forwarded.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// upstream forwards requests to one origin over kept-alive connections.
type upstream struct {
	client *fasthttp.HostClient
}

func newUpstream(c *proxyConfig) *upstream {
	addr := c.upstream.Host
	tls := c.upstream.Scheme == "https"
	if c.upstream.Port() == "" {
		if tls {
			addr += ":443"
		} else {
			addr += ":80"
		}
	}
	return &upstream{client: &fasthttp.HostClient{
		Addr:                          addr,
		IsTLS:                         tls,
		MaxConns:                      4096,
		MaxIdleConnDuration:           90 * time.Second,
		ReadTimeout:                   60 * time.Second,
		WriteTimeout:                  60 * time.Second,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true, // forward the path the validator judged
		NoDefaultUserAgentHeader:      true,
	}}
}

// serve forwards ctx's request (as the auth middleware left it) and copies
// the answer back; an unreachable upstream is a 502.
func (u *upstream) serve(ctx *fasthttp.RequestCtx) {
	req := &ctx.Request
	for _, h := range hopHeaders {
		req.Header.Del(h)
	}
	req.Header.Add("X-Forwarded-For", ctx.RemoteIP().String())
	resp := &ctx.Response
	if err := u.client.Do(req, resp); err != nil {
		resp.Reset()
		ctx.Error("bad gateway", fasthttp.StatusBadGateway)
		return
	}
	for _, h := range hopHeaders {
		resp.Header.Del(h)
	}
}
