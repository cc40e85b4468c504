package edge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxDocument bounds a fetched JWKS or revocation feed.
const maxDocument = 16 << 20

// feed keeps one remote document (the JWKS or the revocation feed) fresh:
// conditional GETs with If-None-Match, a schedule from Cache-Control max-age
// clamped to [minTTL, maxTTL], backoff after failures, and the last good
// document kept when the server is unreachable.
type feed struct {
	name    string // "jwks" or "revocations": log field and metric label
	url     string
	client  *http.Client
	check   func([]byte) error // native acceptance check before publishing
	publish func([]byte)
	stats   *feedStats
	log     *slog.Logger
	now     func() time.Time

	minTTL, maxTTL time.Duration

	fetchMu sync.Mutex // one fetch at a time; guards etag
	etag    string

	// Fetches triggered by unknown kids: at most one per kickEvery.
	kickMu      sync.Mutex
	kickEvery   time.Duration
	lastKick    time.Time
	kickDone    chan struct{} // non-nil while a triggered fetch runs
	kickChanged bool          // the last triggered fetch changed the document
}

// fetch performs one conditional GET. It reports whether a new document was
// published and how long to wait before the next scheduled fetch.
func (f *feed) fetch(ctx context.Context) (changed bool, next time.Duration, err error) {
	f.fetchMu.Lock()
	defer f.fetchMu.Unlock()
	changed, next, err = f.fetchLocked(ctx)
	f.stats.record(err, changed, f.now())
	if err != nil {
		f.log.Warn("edge: fetch failed; keeping the last good document",
			"feed", f.name, "url", f.url, "err", err, "serving_last_good", f.stats.hasGood())
	}
	return changed, next, err
}

func (f *feed) fetchLocked(ctx context.Context) (bool, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return false, 0, fmt.Errorf("%w: %s: %w", ErrFetch, f.name, err)
	}
	req.Header.Set("Accept", "application/json")
	if f.etag != "" {
		req.Header.Set("If-None-Match", f.etag)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return false, 0, fmt.Errorf("%w: %s: %w", ErrFetch, f.name, err)
	}
	defer resp.Body.Close()
	next := f.ttl(resp.Header.Get("Cache-Control"))
	switch resp.StatusCode {
	case http.StatusNotModified:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return false, next, nil
	case http.StatusOK:
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return false, 0, fmt.Errorf("%w: %s: status %d", ErrFetch, f.name, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return false, 0, fmt.Errorf("%w: %s: %w", ErrFetch, f.name, err)
	}
	if len(body) > maxDocument {
		return false, 0, fmt.Errorf("%w: %s: document larger than %d bytes", ErrFetch, f.name, maxDocument)
	}
	if err := f.check(body); err != nil {
		return false, 0, fmt.Errorf("%w: %s: %w", ErrFetch, f.name, err)
	}
	f.publish(body)
	f.etag = resp.Header.Get("ETag")
	return true, next, nil
}

// ttl is the Cache-Control max-age clamped to [minTTL, maxTTL], or maxTTL
// when there is none (no-cache and no-store count as max-age=0).
func (f *feed) ttl(cacheControl string) time.Duration {
	d, ok := maxAge(cacheControl)
	if !ok {
		return f.maxTTL
	}
	return min(max(d, f.minTTL), f.maxTTL)
}

// maxAge parses max-age (or no-cache/no-store as zero) from a Cache-Control
// header value.
func maxAge(cc string) (time.Duration, bool) {
	found, age := false, time.Duration(0)
	for _, dir := range strings.Split(cc, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
		switch strings.ToLower(name) {
		case "no-cache", "no-store":
			return 0, true
		case "max-age":
			n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
			if err != nil || n < 0 {
				continue
			}
			found, age = true, time.Duration(min(n, int64(365*24*3600)))*time.Second
		}
	}
	return age, found
}

// run fetches on schedule until ctx is done. The first fetch has already
// happened (see Host.start); first is the delay it asked for.
func (f *feed) run(ctx context.Context, first time.Duration) {
	next := first
	failures := 0
	for {
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		_, d, err := f.fetch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			next = f.backoff(failures)
			continue
		}
		failures = 0
		next = d
	}
}

// backoff is the delay after n consecutive failures: 1 s, 2 s, 4 s … capped
// at minTTL.
func (f *feed) backoff(n int) time.Duration {
	d := time.Second << min(n-1, 20)
	return min(d, f.minTTL)
}

// kick fetches now on behalf of a token with an unknown kid, unless one such
// fetch ran in the last kickEvery. Callers arriving while it runs wait for
// it. It reports whether the document changed; the fetch itself is not bound
// to ctx (a cancelled request must not abort it for the others).
func (f *feed) kick(ctx context.Context) bool {
	f.kickMu.Lock()
	if done := f.kickDone; done != nil {
		f.kickMu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return false
		}
		f.kickMu.Lock()
		defer f.kickMu.Unlock()
		return f.kickChanged
	}
	now := f.now()
	if !f.lastKick.IsZero() && now.Sub(f.lastKick) < f.kickEvery {
		f.kickMu.Unlock()
		f.stats.kickLimited.Add(1)
		return false
	}
	f.lastKick = now
	done := make(chan struct{})
	f.kickDone = done
	f.kickMu.Unlock()

	f.stats.kicks.Add(1)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultFetchTimeout)
	changed, _, _ := f.fetch(fctx)
	cancel()

	f.kickMu.Lock()
	f.kickDone, f.kickChanged = nil, changed
	f.kickMu.Unlock()
	close(done)
	return changed
}
