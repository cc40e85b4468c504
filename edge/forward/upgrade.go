package forward

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// Protocol switches (RFC 9110 §7.8: WebSocket, h2c is refused) bypass the
// pooled client: the upgrade request goes over a connection of its own, and
// on 101 Switching Protocols both connections are spliced until either side
// closes. The token is checked once, on the upgrade request, as for any
// other request; a switched connection outlives it.

const (
	dialTimeout       = 10 * time.Second
	upgradeTimeout    = 60 * time.Second // to send the upgrade and read the answer
	maxUpgradeRefusal = 1 << 20          // body of a non-101 answer to an upgrade
)

// isUpgrade reports whether h asks to switch protocols: an Upgrade header
// and the upgrade option in Connection.
func isUpgrade(h *fasthttp.RequestHeader) bool {
	if len(h.Peek(fasthttp.HeaderUpgrade)) == 0 {
		return false
	}
	for _, v := range h.PeekAll(fasthttp.HeaderConnection) {
		for _, opt := range bytes.Split(v, []byte{','}) {
			if bytes.EqualFold(bytes.TrimSpace(opt), []byte("upgrade")) {
				return true
			}
		}
	}
	return false
}

// offersH2C reports whether an Upgrade value lists h2c among its protocols
// (RFC 9110 §7.8: comma-separated, each protocol-name["/"version]): the
// upstream may pick any of them.
func offersH2C(upgrade []byte) bool {
	for _, p := range bytes.Split(upgrade, []byte{','}) {
		name, _, _ := bytes.Cut(bytes.TrimSpace(p), []byte{'/'})
		if bytes.EqualFold(name, []byte("h2c")) {
			return true
		}
	}
	return false
}

// upgrade forwards the protocol switch ctx asks for.
func (u *Upstream) upgrade(ctx *fasthttp.RequestCtx) {
	req := &ctx.Request
	proto := bytes.Clone(req.Header.Peek(fasthttp.HeaderUpgrade))
	if offersH2C(proto) {
		// HTTP/2 over cleartext would carry requests the edge never saw.
		ctx.Error("h2c upgrade not supported", fasthttp.StatusBadRequest)
		return
	}
	stripHop(&req.Header)
	req.Header.SetBytesV(fasthttp.HeaderUpgrade, proto)
	req.Header.Set(fasthttp.HeaderConnection, "Upgrade")
	guardTrailer(req)
	var ip [64]byte
	req.Header.AddBytesV("X-Forwarded-For", appendRemoteIP(ip[:0], ctx))

	start := time.Now()
	conn, err := u.dial()
	if err != nil {
		u.metrics.failure(err)
		ctx.Error("bad gateway", fasthttp.StatusBadGateway)
		return
	}
	resp, br, err := roundTrip(conn, req)
	if err != nil {
		u.metrics.failure(err)
		_ = conn.Close()
		ctx.Error("bad gateway", fasthttp.StatusBadGateway)
		return
	}
	u.metrics.response(resp.StatusCode(), time.Since(start))
	if resp.StatusCode() != fasthttp.StatusSwitchingProtocols {
		// Refused: an ordinary answer, and the connection is done.
		_ = conn.Close()
		resp.CopyTo(&ctx.Response)
		fasthttp.ReleaseResponse(resp)
		if hasHopHeader(ctx.Response.Header.All()) {
			stripHop(&ctx.Response.Header)
		}
		return
	}
	// The upstream's 101 goes to the client as it was sent, Connection and
	// Upgrade included: they are what the switch means.
	head := append([]byte(nil), resp.Header.Header()...)
	fasthttp.ReleaseResponse(resp)
	ctx.HijackSetNoResponse(true)
	u.metrics.upgrades.Add(1)
	u.metrics.upgradesActive.Add(1)
	ctx.Hijack(func(client net.Conn) {
		defer u.metrics.upgradesActive.Add(-1)
		defer conn.Close()
		if _, err := client.Write(head); err != nil {
			return
		}
		splice(client, conn, br)
	})
}

// dial connects to the upstream, over TLS for an https one.
func (u *Upstream) dial() (net.Conn, error) {
	d := &net.Dialer{Timeout: dialTimeout}
	if !u.client.IsTLS {
		return d.Dial("tcp", u.client.Addr)
	}
	host, _, err := net.SplitHostPort(u.client.Addr)
	if err != nil {
		return nil, err
	}
	return tls.DialWithDialer(d, "tcp", u.client.Addr, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
}

// roundTrip sends req on conn and reads the answer's head (and, unless it
// is a 101, its body). It returns the reader, which may hold bytes the
// upstream sent after its 101.
func roundTrip(conn net.Conn, req *fasthttp.Request) (*fasthttp.Response, *bufio.Reader, error) {
	_ = conn.SetDeadline(time.Now().Add(upgradeTimeout))
	bw := bufio.NewWriter(conn)
	if err := req.Write(bw); err != nil {
		return nil, nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(conn)
	resp := fasthttp.AcquireResponse()
	if err := resp.ReadLimitBody(br, maxUpgradeRefusal); err != nil {
		fasthttp.ReleaseResponse(resp)
		return nil, nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return resp, br, nil
}

// splice copies both ways between the client and the upstream (whose
// reader is br) until either side is done, and returns once both copies
// have stopped: fasthttp reuses the client connection's reader after the
// hijack handler returns. Closing a hijacked connection is fasthttp's job (its
// Close does nothing), so a past read deadline is what stops the client read.
func splice(client, upstream net.Conn, br *bufio.Reader) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(upstream, client)
		_ = upstream.Close() // ends the copy below
	}()
	_, _ = io.Copy(client, br)
	_ = client.SetReadDeadline(time.Unix(1, 0)) // ends the copy above
	<-done
}
