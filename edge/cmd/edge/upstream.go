package main

import (
	"bytes"
	"iter"
	"net/netip"
	"time"

	"github.com/valyala/fasthttp"
)

// hopHeaders are connection-specific (RFC 9110 §7.6.1) and not forwarded.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

var hopHeaderBytes = func() [][]byte {
	b := make([][]byte, len(hopHeaders))
	for i, h := range hopHeaders {
		b[i] = []byte(h)
	}
	return b
}()

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
		StreamResponseBody:            true, // any size, read as it is sent on
		MaxResponseBodySize:           streamAfter,
	}}
}

// serve forwards ctx's request (as the auth middleware left it) and copies
// the answer back; an unreachable upstream is a 502.
func (u *upstream) serve(ctx *fasthttp.RequestCtx) {
	req := &ctx.Request
	if hasHopHeader(req.Header.All()) {
		stripHop(&req.Header)
	}
	var ip [64]byte
	req.Header.AddBytesV("X-Forwarded-For", appendRemoteIP(ip[:0], ctx))
	resp := &ctx.Response
	if err := u.client.Do(req, resp); err != nil {
		resp.Reset()
		ctx.Error("bad gateway", fasthttp.StatusBadGateway)
		return
	}
	if hasHopHeader(resp.Header.All()) {
		stripHop(&resp.Header)
	}
}

// header is what stripHop needs of fasthttp's request and response headers.
type header interface {
	All() iter.Seq2[[]byte, []byte]
	Del(key string)
	DelBytes(key []byte)
}

// stripHop removes h's hop-by-hop fields: the fixed list and every field its
// Connection header names (RFC 9110 §7.6.1). The message's framing and Host
// stay, and so do the X-Auth-* fields: a client must not be able to remove
// what the edge vouches for by naming it in Connection.
func stripHop(h header) {
	var named [][]byte
	for k, v := range h.All() {
		if !bytes.EqualFold(k, hopHeaderBytes[0]) { // Connection
			continue
		}
		for _, name := range bytes.Split(v, []byte{','}) {
			name = bytes.TrimSpace(name)
			if len(name) > 0 && !keepNamed(name) {
				named = append(named, bytes.Clone(name))
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
	for _, name := range named {
		h.DelBytes(name)
	}
}

// keepNamed reports whether a field named in Connection is forwarded anyway.
func keepNamed(name []byte) bool {
	const auth = "X-Auth-"
	return bytes.EqualFold(name, []byte("Host")) ||
		bytes.EqualFold(name, []byte("Content-Length")) ||
		bytes.EqualFold(name, []byte("Content-Type")) ||
		len(name) >= len(auth) && bytes.EqualFold(name[:len(auth)], []byte(auth))
}

// hasHopHeader reports whether a header named like a hop-by-hop header, in
// any case, is among headers. One pass over the headers is a small fraction
// of deleting each of the nine names blindly, which costs about a
// microsecond per request, and most messages carry none of them.
func hasHopHeader(headers iter.Seq2[[]byte, []byte]) bool {
	for k := range headers {
		for _, h := range hopHeaderBytes {
			if len(k) == len(h) && bytes.EqualFold(k, h) {
				return true
			}
		}
	}
	return false
}

// appendRemoteIP appends the client's IP address, as net.IP.String writes
// it, without allocating.
func appendRemoteIP(dst []byte, ctx *fasthttp.RequestCtx) []byte {
	addr, _ := netip.AddrFromSlice(ctx.RemoteIP())
	return addr.Unmap().AppendTo(dst)
}
