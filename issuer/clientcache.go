package issuer

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// Clients is where the server finds registered clients. *store.DB
// implements it. Client returns an error wrapping store.ErrNotFound for an
// unknown id, and must be safe for concurrent use. The returned client is
// shared and must not be modified.
type Clients interface {
	Client(id string) (*store.Client, error)
}

// maxCachedClients bounds the client cache; past it the cache starts over.
const maxCachedClients = 10_000

// clientCache is a read-through cache of known clients in front of a
// Clients source, so the token endpoint reads the store about once per
// client per ttl instead of once per request. Unknown ids are not cached: a
// flood of them is the rate limiter's job. ttl <= 0 disables the cache.
type clientCache struct {
	src Clients
	ttl time.Duration
	now func() time.Time

	m sync.Map     // client id → *cachedClient
	n atomic.Int64 // about len(m)
}

type cachedClient struct {
	c       *store.Client
	expires int64 // unix nanoseconds
}

// Client returns the client with this id from the cache, or from the source
// when the cached copy is missing or older than ttl.
func (cc *clientCache) Client(id string) (*store.Client, error) {
	if cc.ttl <= 0 {
		return cc.src.Client(id)
	}
	now := cc.now().UnixNano()
	if v, ok := cc.m.Load(id); ok {
		if e := v.(*cachedClient); now < e.expires {
			return e.c, nil
		}
	}
	c, err := cc.src.Client(id)
	if err != nil {
		cc.invalidate(id)
		return nil, err
	}
	if cc.n.Load() >= maxCachedClients {
		cc.m.Clear()
		cc.n.Store(0)
	}
	if _, loaded := cc.m.Swap(id, &cachedClient{c: c, expires: now + int64(cc.ttl)}); !loaded {
		cc.n.Add(1)
	}
	return c, nil
}

// invalidate drops id from the cache; "" drops everything.
func (cc *clientCache) invalidate(id string) {
	if id == "" {
		cc.m.Clear()
		cc.n.Store(0)
		return
	}
	if _, loaded := cc.m.LoadAndDelete(id); loaded {
		cc.n.Add(-1)
	}
}
