package main

import (
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// BenchmarkGuestCached measures tg_validate on the cached path through the
// raw ABI (inputs already in the scratch buffer): the guest's share of a
// cached validation, without any host machinery. It fails if the guest
// allocates.
func BenchmarkGuestCached(b *testing.B) {
	forEachModule(b, func(b *testing.B, m *module) {
		g := newGuest(b, m)
		call := cachedValidate(b, g)
		if v := call(); v != 0 {
			b.Fatalf("first call: verdict %d", v)
		}
		before := g.call("tg_heap_allocs")
		b.ReportAllocs()
		for b.Loop() {
			if v := call(); v != 0 {
				b.Fatalf("verdict %d", v)
			}
		}
		if after := g.call("tg_heap_allocs"); after != before {
			b.Errorf("guest allocated %d objects", after-before)
		}
	})
}

// benchClaims returns an access token's claims for the conformance tables'
// policy.
func benchClaims(jti string) []byte {
	return []byte(`{"iss":"` + conformance.Issuer + `","aud":"` + conformance.Audience +
		`","sub":"alice","client_id":"cli","scope":"read","iat":` + strconv.FormatInt(conformance.Now, 10) +
		`,"exp":` + strconv.FormatInt(conformance.Now+3600, 10) + `,"jti":"` + jti + `"}`)
}

// BenchmarkVerify measures one uncached tg_validate (the cache is off) with
// the guest verifying the signature itself.
func BenchmarkVerify(b *testing.B) {
	var policy map[string]any
	if err := json.Unmarshal(conformance.BasePolicy(), &policy); err != nil {
		b.Fatal(err)
	}
	policy["jwks"] = json.RawMessage(conformance.PublicJWKS())
	policy["cache_entries"] = 0
	doc, _ := json.Marshal(policy)

	forEachModule(b, func(b *testing.B, m *module) {
		for _, alg := range []struct{ alg, kid string }{{"ES256", "es256"}, {"EdDSA", "eddsa"}, {"RS256", "rs256"}} {
			b.Run(alg.alg, func(b *testing.B) {
				g := newGuest(b, m)
				g.configure(doc)
				tok := conformance.Sign(alg.alg, []byte(`{"alg":"`+alg.alg+`","typ":"at+jwt","kid":"`+alg.kid+`"}`), benchClaims("b"))
				tp, tn := g.put([]byte(tok))
				mp, mn := g.put([]byte("GET"))
				pp, pn := g.put([]byte("/api/items"))
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				b.ResetTimer()
				cpu := threadCPU()
				for range b.N {
					if v := g.status("tg_validate", tp, tn, uint64(conformance.Now), mp, mn, pp, pn); v != 0 {
						b.Fatalf("verdict %d", v)
					}
				}
				reportCPU(b, cpu)
			})
		}
	})
}

// BenchmarkVerifyUnique measures tg_validate of ES256 tokens never seen
// before, with the default verified-token cache filling up as it would in
// production, and no revocations or 20 000: the collector's work grows with
// the live heap.
func BenchmarkVerifyUnique(b *testing.B) {
	forEachModule(b, func(b *testing.B, m *module) {
		for _, revoked := range []int{0, 20000} {
			b.Run("revoked="+strconv.Itoa(revoked), func(b *testing.B) { benchVerifyUnique(b, m, revoked) })
		}
	})
}

func benchVerifyUnique(b *testing.B, m *module, revoked int) {
	feed := []byte("[")
	for i := range revoked {
		if i > 0 {
			feed = append(feed, ',')
		}
		feed = append(feed, `{"jti":"revoked-`+strconv.Itoa(i)+`","exp":`+strconv.FormatInt(conformance.Now+3600, 10)+`}`...)
	}
	feed = append(feed, ']')
	var policy map[string]any
	if err := json.Unmarshal(conformance.BasePolicy(), &policy); err != nil {
		b.Fatal(err)
	}
	policy["jwks"] = json.RawMessage(conformance.PublicJWKS())
	doc, _ := json.Marshal(policy)
	hdr := []byte(`{"alg":"ES256","typ":"at+jwt","kid":"es256"}`)
	toks := make([][]byte, b.N)
	for i := range toks {
		toks[i] = []byte(conformance.Sign("ES256", hdr, benchClaims("u"+strconv.Itoa(i))))
	}
	g := newGuest(b, m)
	g.configure(doc)
	fp, fn := g.put(feed)
	if s := g.status("tg_set_revocations", fp, fn); s != 0 {
		b.Fatalf("tg_set_revocations = %d", s)
	}
	g.call("tg_free", fp)
	mp, mn := g.put([]byte("GET"))
	pp, pn := g.put([]byte("/api/items"))
	scratch := g.call("tg_scratch", 4096)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	cpu := threadCPU()
	for _, tok := range toks {
		g.mod.Memory().Write(uint32(scratch), tok)
		if v := g.status("tg_validate", scratch, uint64(len(tok)), uint64(conformance.Now), mp, mn, pp, pn); v != 0 {
			b.Fatalf("verdict %d", v)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	b.ReportMetric(float64(g.mod.Memory().Size())/(1<<20), "MiB-memory")
}

// reportCPU reports the thread's CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	if end := threadCPU(); end > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
