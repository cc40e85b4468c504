package main

import (
	"testing"
	"time"
)

// BenchmarkGuestCached measures tg_validate on the cached path through the
// raw ABI (inputs already in the scratch buffer): the guest's share of a
// cached validation, without any host machinery. It fails if the guest
// allocates.
func BenchmarkGuestCached(b *testing.B) {
	g := newGuest(b)
	k := newES256(b, "k1")
	g.configure(testPolicy(k.jwks()))
	now := time.Now().Unix()
	tok := k.token(b, testClaims(now, "j1", "read"))
	in := tok + "GET" + "/x"
	scratch := g.call("tg_scratch", uint64(len(in)))
	g.mod.Memory().WriteString(uint32(scratch), in)
	validate := g.mod.ExportedFunction("tg_validate")
	stack := make([]uint64, 7)
	call := func() {
		stack[0], stack[1], stack[2] = scratch, uint64(len(tok)), uint64(now)
		stack[3], stack[4], stack[5], stack[6] = scratch+uint64(len(tok)), 3, scratch+uint64(len(tok))+3, 2
		if err := validate.CallWithStack(g.ctx, stack); err != nil || stack[0] != 0 {
			b.Fatal(err, stack[0])
		}
	}
	call()
	before := g.call("tg_heap_allocs")
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
	if after := g.call("tg_heap_allocs"); after != before {
		b.Errorf("guest allocated %d objects", after-before)
	}
}
