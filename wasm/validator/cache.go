package validator

import (
	"encoding/binary"

	"github.com/tollgate/tollgate/jwks"
)

// entryOverhead is what the cache charges an entry on top of its bytes: the
// entry struct and its index slot.
const entryOverhead = 128

// entry is one verified token. buf holds the token followed by the claim
// strings Claims returns and the kid and jti that evictions match on.
type entry struct {
	hash      uint64
	next      int32 // next entry in the bucket chain, -1 at the end
	live      bool
	ref       bool  // used since the clock hand last passed
	notBefore int64 // now must be ≥ this (max(nbf, iat) - leeway)
	deadline  int64 // now must be < this (exp + leeway)
	exp       int64
	scopes    uint64 // the Validator's numbered scopes the token holds
	key       *jwks.Key
	buf       []byte
	// ends of the token, subject, client_id, scope, kid and jti within buf
	tok, sub, cid, scope, kid, jti int32
}

func (e *entry) token() []byte { return e.buf[:e.tok] }

// scopeClaim returns the cached scope claim.
func (e *entry) scopeClaim() []byte { return e.buf[e.cid:e.scope:e.scope] }

// claimsInto stores the entry's claims in c, field by field (see
// Validator.ValidateInto).
func (e *entry) claimsInto(c *Claims) {
	c.Subject = e.buf[e.tok:e.sub:e.sub]
	c.ClientID = e.buf[e.sub:e.cid:e.cid]
	c.Scope = e.buf[e.cid:e.scope:e.scope]
	c.Expiry = e.exp
	c.Cached = true
}

// cache is the verified-token cache: a fixed array of entries indexed by a
// chained hash table, bounded by entry count and bytes, evicting with the
// CLOCK algorithm (expired entries first come, then those not used since the
// hand last passed).
type cache struct {
	entries  []entry
	buckets  []int32 // head entry per bucket, -1 if empty
	free     []int32 // indices of unused entries
	hand     int
	bytes    int
	maxBytes int
	evicted  uint64
}

func newCache(maxEntries, maxBytes int) cache {
	if maxEntries <= 0 {
		return cache{}
	}
	nb := 1
	for nb < 2*maxEntries {
		nb <<= 1
	}
	c := cache{
		entries:  make([]entry, maxEntries),
		buckets:  make([]int32, nb),
		free:     make([]int32, maxEntries),
		maxBytes: maxBytes,
	}
	for i := range c.buckets {
		c.buckets[i] = -1
	}
	for i := range c.free {
		c.free[i] = int32(maxEntries - 1 - i)
	}
	return c
}

func (c *cache) len() int { return len(c.entries) - len(c.free) }

// get returns the live entry for token, or nil. An entry found outside its
// validity window is evicted.
func (c *cache) get(h uint64, token []byte, now int64) *entry {
	if len(c.buckets) == 0 {
		return nil
	}
	for i := c.buckets[h&uint64(len(c.buckets)-1)]; i >= 0; {
		e := &c.entries[i]
		if e.hash == h && equal(e.token(), token) {
			if now >= e.deadline || now < e.notBefore {
				c.remove(i)
				return nil
			}
			e.ref = true
			return e
		}
		i = e.next
	}
	return nil
}

// put stores a verified token and returns its entry, or nil if the cache is
// disabled or the token alone exceeds its byte budget.
func (c *cache) put(h uint64, token []byte, cl *Claims, kid, jti []byte, key *jwks.Key, notBefore, deadline, now int64) *entry {
	need := len(token) + len(cl.Subject) + len(cl.ClientID) + len(cl.Scope) + len(kid) + len(jti)
	if len(c.entries) == 0 || need+entryOverhead > c.maxBytes {
		return nil
	}
	for len(c.free) == 0 || c.bytes+need+entryOverhead > c.maxBytes {
		c.evictOne(now)
	}
	i := c.free[len(c.free)-1]
	c.free = c.free[:len(c.free)-1]
	e := &c.entries[i]
	buf := make([]byte, 0, need)
	buf = append(buf, token...)
	e.tok = int32(len(buf))
	buf = append(buf, cl.Subject...)
	e.sub = int32(len(buf))
	buf = append(buf, cl.ClientID...)
	e.cid = int32(len(buf))
	buf = append(buf, cl.Scope...)
	e.scope = int32(len(buf))
	buf = append(buf, kid...)
	e.kid = int32(len(buf))
	buf = append(buf, jti...)
	e.jti = int32(len(buf))
	e.buf, e.hash, e.key, e.exp = buf, h, key, cl.Expiry
	e.notBefore, e.deadline = notBefore, deadline
	e.live, e.ref = true, false
	b := h & uint64(len(c.buckets)-1)
	e.next, c.buckets[b] = c.buckets[b], i
	c.bytes += need + entryOverhead
	return e
}

// evictOne frees one entry with the CLOCK hand. Only called when at least
// one entry is live.
func (c *cache) evictOne(now int64) {
	for {
		i := c.hand
		c.hand = (c.hand + 1) % len(c.entries)
		e := &c.entries[i]
		if !e.live {
			continue
		}
		if e.ref && now < e.deadline {
			e.ref = false
			continue
		}
		c.remove(int32(i))
		return
	}
}

// remove unlinks and frees entry i.
func (c *cache) remove(i int32) {
	e := &c.entries[i]
	p := &c.buckets[e.hash&uint64(len(c.buckets)-1)]
	for *p != i {
		p = &c.entries[*p].next
	}
	*p = e.next
	c.bytes -= int(e.jti) + entryOverhead
	*e = entry{next: -1}
	c.free = append(c.free, i)
	c.evicted++
}

// removeIf evicts every live entry for which drop returns true.
func (c *cache) removeIf(drop func(e *entry) bool) {
	for i := range c.entries {
		if e := &c.entries[i]; e.live && drop(e) {
			c.remove(int32(i))
		}
	}
}

// equal is bytes.Equal for WebAssembly: the standard library's compares one
// byte per step there (about 3 ns a byte once compiled by wazero), while this
// compares 64 bytes per branch with eight-byte loads (about 0.2 ns a byte);
// natively both take a few nanoseconds per token.
func equal(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	le := binary.LittleEndian
	for len(a) >= 64 {
		a8, b8 := a[:64], b[:64]
		// The parentheses matter: ^ and | share a precedence level in Go,
		// and without them a difference in one word can be masked by the
		// bits of the next.
		x := (le.Uint64(a8) ^ le.Uint64(b8)) | (le.Uint64(a8[8:]) ^ le.Uint64(b8[8:])) |
			(le.Uint64(a8[16:]) ^ le.Uint64(b8[16:])) | (le.Uint64(a8[24:]) ^ le.Uint64(b8[24:])) |
			(le.Uint64(a8[32:]) ^ le.Uint64(b8[32:])) | (le.Uint64(a8[40:]) ^ le.Uint64(b8[40:])) |
			(le.Uint64(a8[48:]) ^ le.Uint64(b8[48:])) | (le.Uint64(a8[56:]) ^ le.Uint64(b8[56:]))
		if x != 0 {
			return false
		}
		a, b = a[64:], b[64:]
	}
	var x uint64
	for len(a) >= 8 {
		x |= le.Uint64(a) ^ le.Uint64(b[:8])
		a, b = a[8:], b[8:]
	}
	for i := range a {
		x |= uint64(a[i] ^ b[i])
	}
	return x == 0
}
