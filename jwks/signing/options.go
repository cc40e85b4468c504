package signing

import "time"

// Defaults for the zero [Options].
const (
	// DefaultJWKSMaxAge is the Cache-Control max-age of the JWKS document.
	DefaultJWKSMaxAge = 5 * time.Minute
	// DefaultMaxTokenTTL is the longest lifetime of a token the issuer
	// signs, clock leeway included, when the caller does not say.
	DefaultMaxTokenTTL = 24 * time.Hour
)

// Options configure a [Ring]. The zero value means defaults.
type Options struct {
	// PublishAhead is how long a rotated key is published as next before it
	// signs. It is raised to at least JWKSMaxAge, so every cache that
	// honours max-age has seen the key before a token carries its kid.
	// Zero means 2 × JWKSMaxAge, which also covers a shared cache (a CDN)
	// in front of a validator's own cache.
	PublishAhead time.Duration

	// MaxTokenTTL is the longest lifetime, plus the validators' clock
	// leeway, of any token signed with a ring key. A retired key stays in
	// the JWKS for MaxTokenTTL after it stopped signing. Zero means
	// [DefaultMaxTokenTTL].
	MaxTokenTTL time.Duration

	// JWKSMaxAge is how long clients may cache the JWKS document; the
	// issuer sends it as Cache-Control max-age. Zero means [DefaultJWKSMaxAge].
	JWKSMaxAge time.Duration

	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// withDefaults returns o with zero fields filled in and PublishAhead clamped.
func (o Options) withDefaults() Options {
	if o.JWKSMaxAge <= 0 {
		o.JWKSMaxAge = DefaultJWKSMaxAge
	}
	if o.MaxTokenTTL <= 0 {
		o.MaxTokenTTL = DefaultMaxTokenTTL
	}
	if o.PublishAhead <= 0 {
		o.PublishAhead = 2 * o.JWKSMaxAge
	}
	if o.PublishAhead < o.JWKSMaxAge {
		o.PublishAhead = o.JWKSMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
