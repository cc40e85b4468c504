package issuer

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults for the zero fields of [Config].
const (
	DefaultAddr              = "127.0.0.1:9000"
	DefaultSigningAlg        = "ES256"
	DefaultAccessTokenTTL    = time.Hour
	DefaultMaxAccessTokenTTL = 24 * time.Hour
	DefaultJWKSMaxAge        = 5 * time.Minute
	DefaultClientCacheTTL    = 5 * time.Second
	DefaultMaxBodyBytes      = 64 << 10
)

// Default rate limits: generous for services that fetch a token and reuse it
// until it expires, tight enough to blunt a flood from one address.
var (
	DefaultClientRateLimit = RateLimit{Rate: 100, Burst: 200}
	DefaultAddrRateLimit   = RateLimit{Rate: 200, Burst: 400}
)

// Config configures a [Server]. It is a plain struct: every zero field means
// its default, so Config{} is a working configuration.
type Config struct {
	// Addr is the listen address of ListenAndServe; default DefaultAddr.
	Addr string
	// Issuer is the issuer identifier (the iss claim and the base of every
	// endpoint URL): an http or https URL without query, fragment or trailing
	// slash. Default "http://" + Addr + "/o" (an empty or unspecified host
	// becomes localhost). Routes are served below its path.
	Issuer string
	// Audience is the aud claim of access tokens for clients that set none;
	// default the Issuer.
	Audience []string
	// SigningAlg is the JWS algorithm of access tokens for clients that set
	// none; default DefaultSigningAlg. The Signer must offer it.
	SigningAlg string
	// AccessTokenTTL is the access-token lifetime for clients that set none;
	// default DefaultAccessTokenTTL.
	AccessTokenTTL time.Duration
	// MaxAccessTokenTTL caps every access-token lifetime, per-client ones
	// included; default DefaultMaxAccessTokenTTL. Key rotation must keep a
	// retired key published at least this long.
	MaxAccessTokenTTL time.Duration
	// JWKSMaxAge is the Cache-Control max-age of the JWKS and discovery
	// documents; default DefaultJWKSMaxAge.
	JWKSMaxAge time.Duration
	// ScopesSupported is advertised in discovery as scopes_supported after
	// "openid", "profile" and "email".
	ScopesSupported []string

	// ClientRateLimit limits token requests per authenticated client;
	// zero fields take DefaultClientRateLimit's.
	ClientRateLimit RateLimit
	// AddrRateLimit limits token requests per source address (IPv6 per /64);
	// zero fields take DefaultAddrRateLimit's.
	AddrRateLimit RateLimit
	// InsecureNoRateLimit turns both rate limits off (benchmarks only).
	InsecureNoRateLimit bool
	// TrustedProxies are the load balancers and reverse proxies in front
	// of the issuer. A request from one of them is limited and throttled by
	// the client address it reports in X-Forwarded-For (the rightmost
	// entry not itself trusted); any other peer's X-Forwarded-For is
	// ignored. Empty: every request counts as its peer's.
	TrustedProxies []netip.Prefix

	// Flows configures the user flows of the token endpoint (code and
	// refresh-token lifetimes, login throttling); see [FlowConfig].
	Flows FlowConfig

	// ClientCacheTTL is how long a client read from Clients is reused
	// without asking again; default DefaultClientCacheTTL, negative disables
	// the cache. Call Server.InvalidateClient after changing a client.
	ClientCacheTTL time.Duration
	// MaxBodyBytes caps request bodies; default DefaultMaxBodyBytes.
	MaxBodyBytes int

	// Logger receives handler panics and server failures; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// RateLimit is a token bucket: Burst requests at once, refilled at Rate per
// second. A zero field means the default.
type RateLimit struct {
	Rate  float64 // requests per second, sustained
	Burst int     // bucket size
}

// withDefaults returns c with every zero field set, or an error wrapping
// ErrConfig naming the bad field.
func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Issuer == "" {
		c.Issuer = "http://" + defaultHost(c.Addr) + "/o"
	}
	if err := checkIssuer(c.Issuer); err != nil {
		return c, err
	}
	if len(c.Audience) == 0 {
		c.Audience = []string{c.Issuer}
	}
	for _, a := range c.Audience {
		if a == "" {
			return c, fmt.Errorf("%w: empty audience", ErrConfig)
		}
	}
	if c.SigningAlg == "" {
		c.SigningAlg = DefaultSigningAlg
	}
	var err error
	if c.MaxAccessTokenTTL, err = orDefault("MaxAccessTokenTTL", c.MaxAccessTokenTTL, DefaultMaxAccessTokenTTL); err != nil {
		return c, err
	}
	if c.AccessTokenTTL, err = orDefault("AccessTokenTTL", c.AccessTokenTTL, min(DefaultAccessTokenTTL, c.MaxAccessTokenTTL)); err != nil {
		return c, err
	}
	if c.AccessTokenTTL < time.Second || c.AccessTokenTTL > c.MaxAccessTokenTTL {
		return c, fmt.Errorf("%w: AccessTokenTTL %v not within [1s, MaxAccessTokenTTL %v]", ErrConfig, c.AccessTokenTTL, c.MaxAccessTokenTTL)
	}
	if c.JWKSMaxAge, err = orDefault("JWKSMaxAge", c.JWKSMaxAge, DefaultJWKSMaxAge); err != nil {
		return c, err
	}
	if c.ClientRateLimit, err = c.ClientRateLimit.withDefaults("ClientRateLimit", DefaultClientRateLimit); err != nil {
		return c, err
	}
	if c.AddrRateLimit, err = c.AddrRateLimit.withDefaults("AddrRateLimit", DefaultAddrRateLimit); err != nil {
		return c, err
	}
	c.TrustedProxies = slices.Clone(c.TrustedProxies)
	for i, p := range c.TrustedProxies {
		if !p.IsValid() {
			return c, fmt.Errorf("%w: TrustedProxies[%d] is not a valid prefix", ErrConfig, i)
		}
		c.TrustedProxies[i] = p.Masked()
	}
	if c.ClientCacheTTL == 0 {
		c.ClientCacheTTL = DefaultClientCacheTTL
	}
	switch {
	case c.MaxBodyBytes == 0:
		c.MaxBodyBytes = DefaultMaxBodyBytes
	case c.MaxBodyBytes < 0:
		return c, fmt.Errorf("%w: negative MaxBodyBytes", ErrConfig)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func orDefault(name string, d, def time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return def, nil
	case d < 0:
		return 0, fmt.Errorf("%w: negative %s", ErrConfig, name)
	}
	return d, nil
}

func (r RateLimit) withDefaults(name string, def RateLimit) (RateLimit, error) {
	if r.Rate < 0 || r.Burst < 0 || r.Rate != r.Rate {
		return r, fmt.Errorf("%w: %s must not be negative", ErrConfig, name)
	}
	if r.Rate == 0 {
		r.Rate = def.Rate
	}
	if r.Burst == 0 {
		r.Burst = def.Burst
	}
	return r, nil
}

// defaultHost turns a listen address into the host:port of the default
// issuer: a wildcard or empty host becomes localhost.
func defaultHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// checkIssuer enforces RFC 8414 §2: an https (or, for development, http) URL
// with no query or fragment. A trailing slash is refused because iss is
// compared as a string and "…/o/" would never match "…/o".
func checkIssuer(iss string) error {
	u, err := url.Parse(iss)
	switch {
	case err != nil:
		return fmt.Errorf("%w: issuer: %w", ErrConfig, err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%w: issuer %q: scheme must be https or http", ErrConfig, iss)
	case u.Host == "" || u.User != nil || u.Opaque != "":
		return fmt.Errorf("%w: issuer %q: needs a host and no userinfo", ErrConfig, iss)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(iss, "?#"):
		return fmt.Errorf("%w: issuer %q: no query or fragment allowed", ErrConfig, iss)
	case strings.HasSuffix(u.Path, "/"):
		return fmt.Errorf("%w: issuer %q: must not end in /", ErrConfig, iss)
	case u.RawPath != "" || strings.ContainsAny(u.Path, "\"\\ "):
		return fmt.Errorf("%w: issuer %q: path must be plain", ErrConfig, iss)
	}
	return nil
}

// issuerPath returns the path component of a checked issuer URL: the prefix
// every route lives under ("" or "/o").
func issuerPath(iss string) string {
	u, _ := url.Parse(iss)
	return u.Path
}
