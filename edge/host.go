package edge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/tollgate/tollgate/wasm/validator"
)

// Feed names: log fields and the feed label of the fetch metrics.
const (
	feedJWKS        = "jwks"
	feedRevocations = "revocations"
)

// maxInput bounds what a request may pass to an instance; the policy's
// max_token_bytes (checked in the guest) is far smaller.
const maxInput = 4 << 20

// Host runs the validator module in a pool of wazero instances and keeps
// their keys and revocations current. All methods are safe for concurrent
// use.
type Host struct {
	opts   Options
	policy *validator.Policy
	realm  string
	log    *slog.Logger

	module     *Module
	ownsModule bool // Close closes module: New compiled it
	pool       *pool

	material *materialStore
	jwks     *feed // nil without jwks_url
	revs     *feed // nil without revocations_url

	checkMu sync.Mutex
	checker *validator.Validator // native core: accepts documents before they are published

	metrics metrics
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// New compiles the module, fills the pool, configures every instance with
// the policy, fetches jwks_url and revocations_url once and starts keeping
// them fresh. A failed first fetch is logged, not returned: the host starts,
// denies tokens it has no keys for, and retries. Close releases everything.
func New(ctx context.Context, o Options) (*Host, error) {
	p, err := validator.ParsePolicy(o.Policy)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	checker, err := validator.New(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	o = o.withDefaults(p.RefreshSeconds)
	o.Policy = append([]byte(nil), o.Policy...)
	h := &Host{
		opts: o, policy: p, realm: p.Realm, log: o.Logger,
		material: newMaterialStore(), checker: checker,
		module:  o.Compiled,
		metrics: metrics{latency: newLatency()},
	}
	if h.realm == "" {
		h.realm = validator.DefaultRealm
	}
	if h.module == nil {
		if h.module, err = Compile(ctx, o); err != nil {
			return nil, err
		}
		h.ownsModule = true
	}
	h.pool = newPool(o.PoolSize, h.spawn)
	if err := h.pool.fill(ctx); err != nil {
		h.pool.close()
		h.pool.closeAll(ctx) // the instances that did start
		if h.ownsModule {
			_ = h.module.Close(ctx)
		}
		return nil, err
	}
	h.start(ctx)
	return h, nil
}

// spawn instantiates and configures one instance, with real clocks and a
// real random source (wazero's defaults are fake, for reproducibility).
func (h *Host) spawn(ctx context.Context) (*instance, error) {
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStderr(os.Stderr)
	mod, err := h.module.runtime.InstantiateModule(ctx, h.module.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("edge: instantiate: %w", err)
	}
	in, err := newInstance(mod)
	if err != nil {
		_ = mod.Close(ctx)
		return nil, err
	}
	status, msg, err := in.document(ctx, in.config, h.opts.Policy)
	switch {
	case err != nil:
	case status == statusRejected:
		err = fmt.Errorf("%w: %s", ErrPolicy, msg)
	case status != statusOK:
		err = fmt.Errorf("%w: tg_configure status %d", ErrGuest, status)
	}
	if err != nil {
		in.close(ctx)
		return nil, err
	}
	return in, nil
}

// start does the first fetches and starts the refresh loops.
func (h *Host) start(ctx context.Context) {
	loopCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	h.stop = stop
	mk := func(name, url string, set func([]byte) error, publish func([]byte)) *feed {
		if url == "" {
			return nil
		}
		return &feed{
			name: name, url: url, client: h.opts.HTTPClient,
			check: h.checked(set), publish: publish,
			stats: &feedStats{name: name}, log: h.log, now: h.now,
			minTTL: h.opts.MinRefresh, maxTTL: h.opts.MaxRefresh,
			kickEvery: h.opts.UnknownKeyInterval,
		}
	}
	h.jwks = mk(feedJWKS, h.policy.JWKSURL, h.checker.SetKeys, h.material.setKeys)
	h.revs = mk(feedRevocations, h.policy.RevocationsURL, h.checker.SetRevocations, h.material.setRevocations)
	for _, f := range []*feed{h.jwks, h.revs} {
		if f == nil {
			continue
		}
		fctx, cancel := context.WithTimeout(ctx, defaultFetchTimeout)
		_, next, err := f.fetch(fctx)
		cancel()
		if err != nil {
			next = f.backoff(1)
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			f.run(loopCtx, next)
		}()
	}
}

// now is Options.Now, or time.Now.
func (h *Host) now() time.Time {
	if h.opts.Now != nil {
		return h.opts.Now()
	}
	return time.Now()
}

// checked wraps a native setter so that documents are checked one at a time.
func (h *Host) checked(set func([]byte) error) func([]byte) error {
	return func(doc []byte) error {
		h.checkMu.Lock()
		defer h.checkMu.Unlock()
		return set(doc)
	}
}

// Close stops the refresh loops and closes the instances, and the Module if
// New compiled it. Calls waiting for an instance fail with ErrClosed; calls
// in flight finish first.
func (h *Host) Close(ctx context.Context) error {
	if h.stop != nil {
		h.stop()
	}
	h.wg.Wait()
	h.pool.close()
	h.pool.closeAll(ctx)
	if h.ownsModule {
		return h.module.Close(ctx)
	}
	return nil
}

// Realm is the realm of the WWW-Authenticate challenges: the policy's
// realm (default "tollgate").
func (h *Host) Realm() string { return h.realm }

// Ready reports whether the host can accept tokens: it has keys (inline in
// the policy or fetched at least once).
func (h *Host) Ready() bool {
	if h.jwks == nil {
		return true
	}
	return h.jwks.stats.hasGood() || len(h.policy.JWKS) > 0
}

// WriteMetrics writes the host's metrics to w in the Prometheus text
// exposition format (content type text/plain; version=0.0.4).
func (h *Host) WriteMetrics(w io.Writer) error {
	var feeds []*feedStats
	for _, f := range []*feed{h.jwks, h.revs} {
		if f != nil {
			feeds = append(feeds, f.stats)
		}
	}
	return h.metrics.write(w, feeds, h.pool.live.Load())
}

// Authorize validates a request from its Authorization header value (empty
// when absent), method and the path as sent (percent-encoding intact; see
// wasm/ABI.md), and stores the outcome in d. The header is parsed inside the
// guest: an empty value or another scheme gives NoToken, a malformed Bearer
// value InvalidRequest. A failed instance is replaced and the call retried
// once. An error means the host could not decide (closed, ctx done, or
// instances keep failing); callers must deny, e.g. with 503.
func (h *Host) Authorize(ctx context.Context, authorization, method, path []byte, d *Decision) error {
	return h.decide(ctx, false, authorization, method, path, d)
}

// Validate is Authorize for a bare token (no "Bearer " prefix).
func (h *Host) Validate(ctx context.Context, token, method, path []byte, d *Decision) error {
	return h.decide(ctx, true, token, method, path, d)
}

func (h *Host) decide(ctx context.Context, isToken bool, cred, method, path []byte, d *Decision) error {
	start := time.Now()
	if len(cred)+len(method)+len(path) > maxInput {
		d.deny(InvalidToken, "token too large")
		h.metrics.observe(d, time.Since(start))
		return nil
	}
	now := start
	if h.opts.Now != nil {
		now = h.opts.Now()
	}
	unix := now.Unix()
	err := h.run(ctx, isToken, cred, method, path, unix, d)
	if errors.Is(err, ErrGuest) { // the instance was replaced: one more try
		err = h.run(ctx, isToken, cred, method, path, unix, d)
	}
	if err == nil && d.UnknownKey && h.jwks != nil && h.jwks.kick(ctx) {
		err = h.run(ctx, isToken, cred, method, path, unix, d)
	}
	if err != nil {
		h.metrics.denied[reasonError].Add(1)
		return err
	}
	h.metrics.observe(d, time.Since(start))
	return nil
}

// run borrows an instance, brings its material up to date and validates.
func (h *Host) run(ctx context.Context, isToken bool, cred, method, path []byte, now int64, d *Decision) error {
	in, err := h.pool.get(ctx)
	if err != nil {
		return err
	}
	err = in.sync(ctx, h.material.load())
	var verdict int32
	if err == nil {
		verdict, err = in.check(ctx, isToken, cred, method, path, now, d)
	}
	if err == nil && verdict < 0 {
		err = fmt.Errorf("%w: status %d", ErrGuest, verdict)
	}
	if err != nil {
		h.metrics.guestFailures.Add(1)
		h.log.Error("edge: replacing validator instance", "err", err)
		if rerr := h.pool.discard(context.WithoutCancel(ctx), in); rerr != nil && !errors.Is(rerr, ErrClosed) {
			h.log.Error("edge: could not replace validator instance; pool shrinks", "err", rerr)
		}
		return err
	}
	h.pool.put(in)
	return nil
}
