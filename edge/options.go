package edge

import (
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tetratelabs/wazero"
)

// Options configure a [Host]. Only Policy is required; zero values mean the
// documented defaults.
type Options struct {
	// Policy is the policy document (DESIGN.md, "Policy document"). Every
	// instance is configured with these exact bytes.
	Policy []byte

	// Compiled, if set, is the module to run, shared with other Hosts and
	// not closed by this one; Module, ModulePath, CompilationCache and
	// CacheDir are then unused.
	Compiled *Module

	// Module is the validator module (any build of wasm/cmd/validator, e.g.
	// validator-tinygo.wasm). If empty, ModulePath is read; if that is empty
	// too, the module embedded at build time is used.
	Module []byte
	// ModulePath is a file to read the module from when Module is empty.
	ModulePath string

	// CompilationCache, if set, is used as is and not closed by the Host
	// (share one between Hosts to compile once per process).
	CompilationCache wazero.CompilationCache
	// CacheDir is the directory of the on-disk compilation cache, used when
	// CompilationCache is nil. Empty means tollgate/wazero under
	// os.UserCacheDir(); if that is unknown, compiled code is cached in
	// memory only.
	CacheDir string

	// GuestCrypto makes the guest verify signatures itself, as it does in
	// hosts without native cryptography, instead of calling back into this
	// host's Go crypto (wasm/ABI.md, "Host import"). Uncached validations
	// are then 10–25× slower; the verdicts are the same.
	GuestCrypto bool

	// PoolSize is the number of module instances. Zero means GOMAXPROCS.
	PoolSize int

	// HTTPClient fetches jwks_url and revocations_url. Nil means a client
	// with a 10 s timeout.
	HTTPClient *http.Client
	// MinRefresh is the shortest interval between scheduled fetches, whatever
	// max-age the server sends (default 30 s). It also caps the retry backoff
	// after a failed fetch.
	MinRefresh time.Duration
	// MaxRefresh is the longest interval between scheduled fetches, and the
	// interval when the server sends no max-age (default: the policy's
	// refresh_seconds, else 5 min).
	MaxRefresh time.Duration
	// UnknownKeyInterval is the minimum time between two JWKS fetches
	// triggered by tokens with an unknown kid (default 30 s).
	UnknownKeyInterval time.Duration

	// Now is the clock passed to the guest for exp, nbf and iat checks.
	// Nil means time.Now.
	Now func() time.Time
	// Logger receives fetch failures and instance replacements. Nil means
	// slog.Default().
	Logger *slog.Logger
}

const (
	defaultMinRefresh         = 30 * time.Second
	defaultMaxRefresh         = 5 * time.Minute
	defaultUnknownKeyInterval = 30 * time.Second
	defaultFetchTimeout       = 10 * time.Second
)

// withDefaults returns a copy of o with zero fields filled in.
// refreshSeconds is the policy's refresh_seconds.
func (o Options) withDefaults(refreshSeconds int64) Options {
	if o.PoolSize <= 0 {
		o.PoolSize = runtime.GOMAXPROCS(0)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: defaultFetchTimeout}
	}
	if o.MinRefresh <= 0 {
		o.MinRefresh = defaultMinRefresh
	}
	if o.MaxRefresh <= 0 {
		o.MaxRefresh = defaultMaxRefresh
		if refreshSeconds > 0 {
			o.MaxRefresh = time.Duration(refreshSeconds) * time.Second
		}
	}
	if o.MaxRefresh < o.MinRefresh {
		o.MaxRefresh = o.MinRefresh
	}
	if o.UnknownKeyInterval <= 0 {
		o.UnknownKeyInterval = defaultUnknownKeyInterval
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// DefaultCacheDir returns the default compilation cache directory, or "" if
// the user cache directory is unknown.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "tollgate", "wazero")
}
