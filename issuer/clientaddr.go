package issuer

import (
	"bytes"
	"net/netip"

	"github.com/valyala/fasthttp"
)

// clientAddr returns the key of the per-address limits (see addrKey)
// for the request's client: the peer, unless the peer is one of
// Config.TrustedProxies. Then it is the rightmost X-Forwarded-For entry
// that is not a trusted proxy; entries left of it were written by the
// client itself and prove nothing. An entry that does not parse ends the
// walk at the trusted hop that passed it on, so garbage cannot buy a fresh
// bucket; if every entry is trusted, the leftmost counts.
func (s *Server) clientAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	addr, ok := netip.AddrFromSlice(ctx.RemoteIP())
	if !ok {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if !s.trusted(addr) {
		return addrKey(addr)
	}
	values := ctx.Request.Header.PeekAll(fasthttp.HeaderXForwardedFor)
	for i := len(values) - 1; i >= 0; i-- {
		for v := values[i]; len(v) > 0; {
			item := v
			if j := bytes.LastIndexByte(v, ','); j >= 0 {
				v, item = v[:j], v[j+1:]
			} else {
				v = nil
			}
			a, err := netip.ParseAddr(string(bytes.TrimSpace(item)))
			if err != nil {
				return addrKey(addr)
			}
			if addr = a.Unmap(); !s.trusted(addr) {
				return addrKey(addr)
			}
		}
	}
	return addrKey(addr)
}

// trusted reports whether a is in Config.TrustedProxies.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
