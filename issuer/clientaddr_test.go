package issuer

import (
	"net"
	"net/netip"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestClientAddr: X-Forwarded-For counts only from a trusted proxy, and
// then only its rightmost untrusted entry; garbage or spoofed entries to
// the left cannot choose the bucket.
func TestClientAddr(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::1/128"),
	}}}
	tests := []struct {
		name, peer string
		xff        []string // X-Forwarded-For header lines, in order
		want       string
	}{
		{"untrusted peer ignores the header", "192.0.2.1", []string{"198.51.100.7"}, "192.0.2.1"},
		{"trusted peer without header", "10.1.2.3", nil, "10.1.2.3"},
		{"one hop", "10.1.2.3", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed entries left of the real one", "10.1.2.3", []string{"1.1.1.1, 2.2.2.2, 198.51.100.7"}, "198.51.100.7"},
		{"trusted hops are skipped", "10.1.2.3", []string{"198.51.100.7, 10.9.9.9 , 10.8.8.8"}, "198.51.100.7"},
		{"several header lines are one list", "10.1.2.3", []string{"198.51.100.7", "10.9.9.9"}, "198.51.100.7"},
		{"garbage stops at the trusted hop", "10.1.2.3", []string{"198.51.100.7, garbage, 10.9.9.9"}, "10.9.9.9"},
		{"a port is garbage", "10.1.2.3", []string{"198.51.100.7:4000"}, "10.1.2.3"},
		{"empty items are garbage", "10.1.2.3", []string{"198.51.100.7,,"}, "10.1.2.3"},
		{"all trusted: the leftmost", "10.1.2.3", []string{"10.7.7.7, 10.8.8.8"}, "10.7.7.7"},
		{"IPv6 client per /64", "10.1.2.3", []string{"2001:db8:1:2::99"}, "2001:db8:1:2::"},
		{"IPv4-mapped client", "10.1.2.3", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"trusted IPv6 proxy is matched unmasked", "2001:db8:ffff::1", []string{"198.51.100.7"}, "198.51.100.7"},
		{"its /64 neighbour is not trusted", "2001:db8:ffff::2", []string{"198.51.100.7"}, "2001:db8:ffff::"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			var req fasthttp.Request
			for _, v := range tt.xff {
				req.Header.Add(fasthttp.HeaderXForwardedFor, v)
			}
			ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(tt.peer), Port: 1234}, nil)
			if got := s.clientAddr(&ctx); got != netip.MustParseAddr(tt.want) {
				t.Errorf("clientAddr = %v, want %s", got, tt.want)
			}
		})
	}
	s.cfg.TrustedProxies = nil
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.Header.Set(fasthttp.HeaderXForwardedFor, "198.51.100.7")
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 1}, nil)
	if got := s.clientAddr(&ctx); got != netip.MustParseAddr("10.1.2.3") {
		t.Errorf("no trusted proxies: clientAddr = %v, want the peer", got)
	}
}

// TestRateLimitBehindProxy: behind a trusted proxy each client has its own
// bucket, and a client cannot escape its bucket by forging X-Forwarded-For.
func TestRateLimitBehindProxy(t *testing.T) {
	h := newHarness(t, Config{
		AddrRateLimit:   RateLimit{Rate: 0.01, Burst: 2},
		ClientRateLimit: RateLimit{Rate: 1000, Burst: 1000},
		TrustedProxies:  []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")},
	})
	via := func(xff string) request {
		return request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials", from: "10.0.0.1",
			headers: map[string]string{"X-Forwarded-For": xff}}
	}
	for i := range 2 {
		if r := h.do(t, via("198.51.100.1")); r.status != 200 {
			t.Fatalf("request %d: status %d %s", i, r.status, r.body)
		}
	}
	wantError(t, h.do(t, via("198.51.100.1")), 429, CodeTemporarilyUnavailable)
	wantError(t, h.do(t, via("203.0.113.9, 198.51.100.1")), 429, CodeTemporarilyUnavailable) // forged left entry
	if r := h.do(t, via("198.51.100.2")); r.status != 200 {
		t.Errorf("another client behind the proxy: status %d %s", r.status, r.body)
	}
}

func TestConfigTrustedProxies(t *testing.T) {
	c, err := Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/8")}}.withDefaults()
	if err != nil || c.TrustedProxies[0] != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("withDefaults = %v, %v; want the prefix masked", c.TrustedProxies, err)
	}
	if _, err := (Config{TrustedProxies: []netip.Prefix{{}}}).withDefaults(); err == nil {
		t.Error("an invalid prefix was accepted")
	}
}
