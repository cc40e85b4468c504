package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPoolHammer drives one small pool from many goroutines while the keys
// rotate and the revocation feed changes underneath, and checks every answer:
// a token of the stable key is always allowed, a revoked one always denied
// once its revocation was published before the call, a foreign one always
// denied. Run with -race.
func TestPoolHammer(t *testing.T) {
	stable, rotating := mustKey(t, "ES256", "stable"), mustKey(t, "ES256", "rotating")
	stranger := mustKey(t, "ES256", "stranger")
	keys := newDocServer(t, jwksOf(t, stable), "max-age=0")
	revoked := claims("revoked", "read")
	revs := newDocServer(t, []byte(`[]`), "max-age=0")
	h := newTestHost(t, Options{
		PoolSize: 3,
		Policy: policyDoc(t, map[string]any{
			"jwks_url": keys.URL, "revocations_url": revs.URL,
		}),
		MinRefresh: 5 * time.Millisecond,
	})

	good := make([][]byte, 8)
	for i := range good {
		good[i] = stable.sign(t, claims(fmt.Sprintf("user%d", i), "read"))
	}
	revokedTok := stable.sign(t, revoked)
	foreign := stranger.sign(t, claims("mallory", "read"))
	rotTok := rotating.sign(t, claims("rot", "read"))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the issuer rotates a second key in and out
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			if i%2 == 0 {
				keys.set(jwksOf(t, stable, rotating))
			} else {
				keys.set(jwksOf(t, stable))
			}
			time.Sleep(3 * time.Millisecond)
		}
	}()
	revs.set([]byte(fmt.Sprintf(`[{"jti":%q,"exp":%d}]`, revoked["jti"], revoked["exp"])))
	eventually(t, 2*time.Second, "revocation published", func() bool {
		return h.material.load().revocations != nil && len(h.material.load().revocations) > 2
	})

	errs := make(chan error, 100)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d Decision
			for i := 0; ctx.Err() == nil; i++ {
				var tok []byte
				var want Verdict = Allow
				switch i % 4 {
				case 0, 1:
					tok = good[(g+i)%len(good)]
				case 2:
					tok, want = revokedTok, InvalidToken
				case 3:
					tok, want = foreign, InvalidToken
				}
				if i%10 == 9 {
					tok, want = rotTok, -1 // either, depending on the rotation
				}
				err := h.Authorize(ctx, append([]byte("Bearer "), tok...), []byte("GET"), []byte("/"), &d)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					errs <- err
					return
				}
				if want >= 0 && d.Verdict != want {
					errs <- fmt.Errorf("goroutine %d call %d: verdict %v (%s), want %v", g, i, d.Verdict, d.Description, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := h.pool.live.Load(); n != 3 {
		t.Errorf("%d live instances after the hammer, want 3", n)
	}
	if keys.full.Load() < 10 {
		t.Errorf("only %d key updates during the hammer", keys.full.Load())
	}
}

func TestPoolClosed(t *testing.T) {
	k := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{PoolSize: 1, Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, k))})})
	in, err := h.pool.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// With the only instance lent out, a caller waits until its ctx ends …
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var d Decision
	if err := h.Authorize(ctx, nil, []byte("GET"), []byte("/"), &d); err != context.DeadlineExceeded {
		t.Errorf("busy pool: err %v, want deadline exceeded", err)
	}
	h.pool.put(in)
	// … and after Close every call fails cleanly.
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.Authorize(context.Background(), nil, []byte("GET"), []byte("/"), &d); err == nil {
		t.Error("Authorize after Close succeeded")
	}
}

// TestInstanceReplaced kills an instance behind the pool's back: the next
// call replaces it and still answers, and the failure is counted.
func TestInstanceReplaced(t *testing.T) {
	k := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{PoolSize: 2, Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, k))})})
	ctx := context.Background()
	in, err := h.pool.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.mod.Close(ctx); err != nil { // any call into it now fails
		t.Fatal(err)
	}
	h.pool.put(in)
	tok := k.sign(t, claims("alice", "read"))
	for i := range 4 { // the dead instance comes up within two calls
		if d := authorize(t, h, tok, "GET", "/"); d.Verdict != Allow {
			t.Fatalf("call %d: %v", i, d.Verdict)
		}
	}
	if n := h.pool.live.Load(); n != 2 {
		t.Errorf("%d live instances, want 2", n)
	}
	if m := metricsText(t, h); !strings.Contains(m, "tollgate_edge_guest_failures_total 1\n") {
		t.Error("guest failure not counted")
	}
}

// TestPoolReusesWarmestInstance: one request at a time is served by the
// instance that served the last one, so a new token is verified once, not
// once per pooled instance (each instance has its own verified-token cache),
// and one instance's memory stays hot.
func TestPoolReusesWarmestInstance(t *testing.T) {
	k := mustKey(t, "ES256", "k1")
	h := newTestHost(t, Options{PoolSize: 4, Policy: policyDoc(t, map[string]any{"jwks": json.RawMessage(jwksOf(t, k))})})
	ctx := context.Background()
	for i := range 3 {
		tok := append([]byte("Bearer "), k.sign(t, claims(fmt.Sprintf("user%d", i), "read"))...)
		for j := range 6 {
			var d Decision
			if err := h.Authorize(ctx, tok, []byte("GET"), []byte("/"), &d); err != nil || d.Verdict != Allow {
				t.Fatalf("token %d, request %d: %v, verdict %v", i, j, err, d.Verdict)
			}
			if d.Cached != (j > 0) {
				t.Errorf("token %d, request %d: cached %v, want %v", i, j, d.Cached, j > 0)
			}
		}
	}
}
