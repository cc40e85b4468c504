package issuer

import (
	"fmt"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// Defaults and bounds of [FlowConfig].
const (
	// MaxCodeTTL is the longest authorization-code lifetime accepted, and
	// the default: RFC 6749 §4.1.2 recommends at most ten minutes, RFC 9700
	// keeps codes short; one minute is plenty for a redirect.
	MaxCodeTTL            = 60 * time.Second
	DefaultRefreshTTL     = 30 * 24 * time.Hour
	DefaultRefreshIdleTTL = 7 * 24 * time.Hour
	// DefaultPurgeInterval is how often expired codes, refresh families
	// and revocations are deleted from the store.
	DefaultPurgeInterval = 10 * time.Minute
	// RevocationGrace keeps a revoked access token in the revocation feed
	// this long past its exp, so that a validator allowing clock leeway
	// (at most 600 s in a policy) still denies it until it would reject
	// it as expired anyway.
	RevocationGrace = store.RevocationGrace
)

// Default login throttles: a handful of guesses at once, then a trickle.
var (
	DefaultLoginRateLimit     = RateLimit{Rate: 0.2, Burst: 10} // per username
	DefaultLoginAddrRateLimit = RateLimit{Rate: 1, Burst: 30}   // per source address
)

// FlowConfig configures the user flows (Config.Flows). Zero fields mean
// their defaults.
type FlowConfig struct {
	// CodeTTL is the lifetime of an authorization code; default and
	// maximum MaxCodeTTL.
	CodeTTL time.Duration
	// RefreshTTL is the absolute lifetime of a refresh-token family: no
	// rotation extends it. Default DefaultRefreshTTL.
	RefreshTTL time.Duration
	// RefreshIdleTTL expires a refresh token unused this long; default
	// DefaultRefreshIdleTTL, at most RefreshTTL.
	RefreshIdleTTL time.Duration
	// LoginRateLimit limits password checks per username (password grant
	// and login form); zero fields take DefaultLoginRateLimit's.
	LoginRateLimit RateLimit
	// LoginAddrRateLimit limits password checks per source address;
	// zero fields take DefaultLoginAddrRateLimit's.
	LoginAddrRateLimit RateLimit
	// PurgeInterval is how often Serve deletes expired records; default
	// DefaultPurgeInterval, negative never.
	PurgeInterval time.Duration
}

// withDefaults returns f with zero fields set, or an error wrapping
// ErrConfig.
func (f FlowConfig) withDefaults() (FlowConfig, error) {
	var err error
	if f.CodeTTL, err = orDefault("Flows.CodeTTL", f.CodeTTL, MaxCodeTTL); err != nil {
		return f, err
	}
	if f.CodeTTL < time.Second || f.CodeTTL > MaxCodeTTL {
		return f, fmt.Errorf("%w: Flows.CodeTTL %v not within [1s, %v]", ErrConfig, f.CodeTTL, MaxCodeTTL)
	}
	if f.RefreshTTL, err = orDefault("Flows.RefreshTTL", f.RefreshTTL, DefaultRefreshTTL); err != nil {
		return f, err
	}
	if f.RefreshIdleTTL, err = orDefault("Flows.RefreshIdleTTL", f.RefreshIdleTTL, min(DefaultRefreshIdleTTL, f.RefreshTTL)); err != nil {
		return f, err
	}
	if f.RefreshTTL < time.Second || f.RefreshIdleTTL < time.Second || f.RefreshIdleTTL > f.RefreshTTL {
		return f, fmt.Errorf("%w: Flows: want 1s <= RefreshIdleTTL <= RefreshTTL", ErrConfig)
	}
	if f.LoginRateLimit, err = f.LoginRateLimit.withDefaults("Flows.LoginRateLimit", DefaultLoginRateLimit); err != nil {
		return f, err
	}
	if f.LoginAddrRateLimit, err = f.LoginAddrRateLimit.withDefaults("Flows.LoginAddrRateLimit", DefaultLoginAddrRateLimit); err != nil {
		return f, err
	}
	if f.PurgeInterval == 0 {
		f.PurgeInterval = DefaultPurgeInterval
	}
	return f, nil
}

// registerTokenFlows adds the user-flow grants to the token endpoint and the
// revocation, introspection and revocation-feed routes.
func (s *Server) registerTokenFlows() {
	s.grants[store.GrantAuthorizationCode] = authorizationCode
	s.grants[store.GrantRefreshToken] = refreshToken
	s.grants[store.GrantPassword] = passwordGrant
	s.handle(s.path("revoke_token/"), s.handleRevoke, fasthttp.MethodPost).cors = corsClient
	s.handle(s.path("introspect/"), s.handleIntrospect, fasthttp.MethodPost).cors = corsClient
	s.handle(s.path("revoked"), s.handleRevoked, fasthttp.MethodGet).cors = corsPublic
}
