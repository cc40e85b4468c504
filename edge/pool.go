package edge

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// pool hands out module instances, one goroutine at a time each. It is a
// stack: get takes the instance put back last, so that at low concurrency
// one warm instance serves every request — its verified-token cache (each
// instance has its own) already holds the token, and its memory is in the
// CPU's caches — instead of each token being verified once per instance in
// turn. avail counts the free instances, so that get blocks while every
// instance is busy.
type pool struct {
	mu     sync.Mutex
	free   []*instance   // guarded by mu; the top is the warmest
	avail  chan struct{} // one token per instance in free
	done   chan struct{} // closed by close
	closed atomic.Bool   // set by close before done is closed
	once   sync.Once
	live   atomic.Int64 // instances in the pool or lent out

	spawn func(context.Context) (*instance, error)
}

func newPool(size int, spawn func(context.Context) (*instance, error)) *pool {
	return &pool{free: make([]*instance, 0, size), avail: make(chan struct{}, size), done: make(chan struct{}), spawn: spawn}
}

// fill instantiates cap(avail) instances, in parallel (instantiation is CPU
// work: the guest's runtime initialises), and returns the first error.
func (p *pool) fill(ctx context.Context) error {
	n := cap(p.avail)
	errs := make(chan error, n)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			in, err := p.spawn(ctx)
			if err == nil {
				p.live.Add(1)
				p.put(in)
			}
			errs <- err
		}()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// get borrows an instance; the caller returns it with put or discard.
func (p *pool) get(ctx context.Context) (*instance, error) {
	// The fast path is an atomic load and a one-case non-blocking receive:
	// a select over done and avail costs as much as the rest of the host's
	// share of a cached validation.
	if p.closed.Load() {
		return nil, ErrClosed
	}
	select {
	case <-p.avail:
		return p.pop(), nil
	default:
	}
	select {
	case <-p.avail:
		return p.pop(), nil
	case <-p.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pop takes the top of free; a token taken from avail guarantees one.
func (p *pool) pop() *instance {
	p.mu.Lock()
	in := p.free[len(p.free)-1]
	p.free[len(p.free)-1] = nil
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()
	return in
}

// put returns a healthy instance.
func (p *pool) put(in *instance) {
	p.mu.Lock()
	p.free = append(p.free, in)
	p.mu.Unlock()
	p.avail <- struct{}{}
}

// discard closes a failed instance and puts a fresh one in its place. If the
// replacement fails the pool shrinks by one; the error is returned for
// logging.
func (p *pool) discard(ctx context.Context, in *instance) error {
	in.close(ctx)
	p.live.Add(-1)
	select {
	case <-p.done:
		return ErrClosed
	default:
	}
	fresh, err := p.spawn(ctx)
	if err != nil {
		return err
	}
	p.live.Add(1)
	p.put(fresh)
	return nil
}

// close makes waiting and future get calls fail with ErrClosed.
func (p *pool) close() {
	p.once.Do(func() {
		p.closed.Store(true)
		close(p.done)
	})
}

// closeAll closes every instance, waiting for those lent out to come back.
// Call it after close.
func (p *pool) closeAll(ctx context.Context) {
	for p.live.Load() > 0 {
		<-p.avail
		p.pop().close(ctx)
		p.live.Add(-1)
	}
}
