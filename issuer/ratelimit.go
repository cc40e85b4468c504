package issuer

import (
	"hash/maphash"
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

const (
	limiterShards      = 16
	maxBucketsPerShard = 4096 // so at most 65536 buckets (a few MiB) per limiter
)

// limiter is a set of token buckets keyed by K, one per client or source
// address, safe for concurrent use. Its memory is bounded: when a shard is
// full, buckets idle long enough to have refilled — indistinguishable from
// absent ones — are dropped; if none are, an arbitrary eighth of the shard
// is, which under a flood of distinct keys can hand some of them a fresh
// bucket early (the per-address limit is the backstop for that).
type limiter[K comparable] struct {
	ratePerNs float64
	burst     float64
	seed      maphash.Seed
	shards    [limiterShards]limiterShard[K]
	limited   atomic.Uint64 // requests refused, for the metrics
}

type limiterShard[K comparable] struct {
	mu sync.Mutex
	m  map[K]bucket
	_  [48]byte // mutex + map pointer + pad = 64 bytes: one cache line per shard
}

type bucket struct {
	tokens float64
	last   int64 // unix nanoseconds of the last refill
}

func newLimiter[K comparable](r RateLimit) *limiter[K] {
	l := &limiter[K]{ratePerNs: r.Rate / 1e9, burst: float64(r.Burst), seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].m = make(map[K]bucket)
	}
	return l
}

// allow takes a token from key's bucket at time now (unix nanoseconds). If
// the bucket is empty it takes nothing and returns how long until it holds
// a token again.
func (l *limiter[K]) allow(key K, now int64) (ok bool, wait time.Duration) {
	sh := &l.shards[maphash.Comparable(l.seed, key)%limiterShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b, found := sh.m[key]
	if !found {
		if len(sh.m) >= maxBucketsPerShard {
			l.evict(sh, now)
		}
		b = bucket{tokens: l.burst, last: now}
	} else if elapsed := now - b.last; elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(elapsed)*l.ratePerNs)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		sh.m[key] = b
		return true, 0
	}
	sh.m[key] = b
	l.limited.Add(1)
	return false, time.Duration(math.Ceil((1 - b.tokens) / l.ratePerNs))
}

// evict makes room in a full shard. Called with sh.mu held.
func (l *limiter[K]) evict(sh *limiterShard[K], now int64) {
	before := len(sh.m)
	for k, b := range sh.m {
		if b.tokens+float64(now-b.last)*l.ratePerNs >= l.burst {
			delete(sh.m, k)
		}
	}
	if len(sh.m) < before {
		return
	}
	drop := before / 8
	for k := range sh.m {
		if drop == 0 {
			break
		}
		delete(sh.m, k)
		drop--
	}
}

// len returns the number of buckets held (for tests).
func (l *limiter[K]) len() int {
	n := 0
	for i := range l.shards {
		l.shards[i].mu.Lock()
		n += len(l.shards[i].m)
		l.shards[i].mu.Unlock()
	}
	return n
}

// addrKey is the rate-limit key of a source address: the IPv4 address, or
// the /64 of an IPv6 one (one host usually holds a whole /64).
func addrKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}

// retryAfterSeconds rounds a wait up to whole seconds, at least 1, for the
// Retry-After header.
func retryAfterSeconds(wait time.Duration) int {
	s := int((wait + time.Second - 1) / time.Second)
	return max(s, 1)
}
