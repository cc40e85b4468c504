package edge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero/api"
)

// material is the keys and revocations every instance must hold. A new
// document gets a new generation; instances compare generations before each
// validation (sync), so an update reaches every instance before its next
// request without stopping the pool. Values are immutable once published.
type material struct {
	keys           []byte // JWKS document; nil: the policy's inline jwks
	keysGen        uint64
	revocations    []byte // revocation feed; nil: none
	revocationsGen uint64
}

// materialStore publishes material atomically.
type materialStore struct {
	mu  sync.Mutex // serialises writers
	cur atomic.Pointer[material]
	gen uint64
}

func newMaterialStore() *materialStore {
	s := &materialStore{}
	s.cur.Store(&material{})
	return s
}

func (s *materialStore) load() *material { return s.cur.Load() }

// setKeys publishes a new JWKS document.
func (s *materialStore) setKeys(doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := *s.cur.Load()
	s.gen++
	m.keys, m.keysGen = doc, s.gen
	s.cur.Store(&m)
}

// setRevocations publishes a new revocation feed.
func (s *materialStore) setRevocations(doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := *s.cur.Load()
	s.gen++
	m.revocations, m.revocationsGen = doc, s.gen
	s.cur.Store(&m)
}

// sync loads into in whatever m holds that in has not loaded yet.
func (in *instance) sync(ctx context.Context, m *material) error {
	if in.keysGen != m.keysGen {
		if err := in.load(ctx, in.setKeys, m.keys); err != nil {
			return err
		}
		in.keysGen = m.keysGen
	}
	if in.revocationsGen != m.revocationsGen {
		if err := in.load(ctx, in.setRevocations, m.revocations); err != nil {
			return err
		}
		in.revocationsGen = m.revocationsGen
	}
	return nil
}

// load passes one document; the host checked it natively before publishing
// it, so a rejection here means the instance is unhealthy.
func (in *instance) load(ctx context.Context, fn api.Function, doc []byte) error {
	status, msg, err := in.document(ctx, fn, doc)
	if err != nil {
		return err
	}
	if status != statusOK {
		return fmt.Errorf("%w: status %d: %s", ErrGuest, status, msg)
	}
	return nil
}
