// Package forward is the reverse proxy of `edge proxy`: the fasthttp server
// it runs and the forwarding to one upstream. The benchmarks' no-auth
// passthrough proxy runs the same code, so that the two differ only by the
// authorization.
package forward

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/tollgate/tollgate/internal/linger"
	"github.com/tollgate/tollgate/internal/xauth"
)

// StreamAfter is how much of a request or response body is read before
// forwarding starts; the rest of a larger body streams as it arrives.
const StreamAfter = 256 << 10

// NewServer returns the fasthttp server of `edge proxy`, running h (which
// ends in Upstream.Serve). Bodies of any size pass through: up to
// StreamAfter is read before h runs, the rest streams to the upstream.
// Multipart bodies are forwarded as sent, never parsed. Run it with Serve.
func NewServer(name string, h fasthttp.RequestHandler, log fasthttp.Logger) *fasthttp.Server {
	return &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			h(ctx)
			// A denial answers before the body is read; if fasthttp then
			// closes the connection, the client must still read the answer.
			if n := ctx.Request.Header.ContentLength(); n > 0 || n == -1 {
				linger.OnClose(ctx.Conn())
			}
		},
		ErrorHandler:                 onReadError,
		Name:                         name,
		NoDefaultServerHeader:        true,
		ReadBufferSize:               16 << 10, // tokens up to max_token_bytes fit in the headers
		StreamRequestBody:            true,
		MaxRequestBodySize:           StreamAfter,
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  60 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  120 * time.Second,
		Logger:                       log,
	}
}

// Serve runs srv, from NewServer, on ln until srv shuts down; a connection
// closed with a request still arriving drains it first (internal/linger),
// so the client reads the answer rather than a reset.
func Serve(srv *fasthttp.Server, ln net.Listener) error {
	return srv.Serve(linger.Listener(ln))
}

// onReadError answers a request fasthttp could not read (a header over
// ReadBufferSize, a timeout, bad framing) and lets the connection linger.
func onReadError(ctx *fasthttp.RequestCtx, err error) {
	linger.OnClose(ctx.Conn())
	status := fasthttp.StatusBadRequest
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.As(err, &small):
		status = fasthttp.StatusRequestHeaderFieldsTooLarge
	case errors.As(err, &netErr) && netErr.Timeout():
		status = fasthttp.StatusRequestTimeout
	}
	ctx.Error(fasthttp.StatusMessage(status), status)
}

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

// Upstream forwards requests to one origin over kept-alive connections.
type Upstream struct {
	client  *fasthttp.HostClient
	metrics upstreamMetrics // metrics.go
}

// NewUpstream forwards to u, an http or https URL with no path.
func NewUpstream(u *url.URL) *Upstream {
	addr := u.Host
	tls := u.Scheme == "https"
	if u.Port() == "" {
		if tls {
			addr += ":443"
		} else {
			addr += ":80"
		}
	}
	return &Upstream{metrics: newUpstreamMetrics(), client: &fasthttp.HostClient{
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
		MaxResponseBodySize:           StreamAfter,
	}}
}

// Serve forwards ctx's request (as the auth middleware left it) and copies
// the answer back; an unreachable upstream is a 502.
func (u *Upstream) Serve(ctx *fasthttp.RequestCtx) {
	req := &ctx.Request
	if hasHopHeader(req.Header.All()) {
		if isUpgrade(&req.Header) {
			u.upgrade(ctx)
			return
		}
		stripHop(&req.Header)
	}
	guardTrailer(req)
	var ip [64]byte
	req.Header.AddBytesV("X-Forwarded-For", appendRemoteIP(ip[:0], ctx))
	resp := &ctx.Response
	start := time.Now()
	if err := u.client.Do(req, resp); err != nil {
		u.metrics.failure(err)
		resp.Reset()
		ctx.Error("bad gateway", fasthttp.StatusBadGateway)
		return
	}
	u.metrics.response(resp.StatusCode(), time.Since(start))
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

// guardTrailer makes sure no X-Auth-* field in the trailer of a streamed
// chunked request body reaches the upstream. That trailer is read while the
// body is copied upstream, long after the auth middleware stripped the
// incoming X-Auth-* fields, and fasthttp then writes it out as it arrived
// (and its Peek, for one, returns trailer fields like header fields).
// fasthttp itself refuses X-Forwarded-* and Authorization in trailers.
func guardTrailer(req *fasthttp.Request) {
	if req.IsBodyStream() && req.Header.ContentLength() == -1 {
		req.SetBodyStream(&trailerGuard{r: req.BodyStream(), h: &req.Header}, -1)
	}
}

// trailerGuard is a chunked request body that, once its trailer has been
// read (at EOF, before fasthttp writes the trailer upstream), drops the
// trailer's X-Auth-* fields.
type trailerGuard struct {
	r io.Reader
	h *fasthttp.RequestHeader
}

func (g *trailerGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err == io.EOF {
		xauth.StripTrailers(g.h)
	}
	return n, err
}

// appendRemoteIP appends the client's IP address, as net.IP.String writes
// it, without allocating.
func appendRemoteIP(dst []byte, ctx *fasthttp.RequestCtx) []byte {
	addr, _ := netip.AddrFromSlice(ctx.RemoteIP())
	return addr.Unmap().AppendTo(dst)
}
