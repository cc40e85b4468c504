package issuer

import (
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestRateLimitPerAddress(t *testing.T) {
	h := newHarness(t, Config{AddrRateLimit: RateLimit{Rate: 0.5, Burst: 3}, ClientRateLimit: RateLimit{Rate: 1000, Burst: 1000}})
	req := request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials", from: "192.0.2.1"}
	for i := range 3 {
		if r := h.do(t, req); r.status != 200 {
			t.Fatalf("request %d: status %d, body %s", i, r.status, r.body)
		}
	}
	r := h.do(t, req)
	wantError(t, r, fasthttp.StatusTooManyRequests, CodeTemporarilyUnavailable)
	// One token at 0.5/s is 2 s away.
	if r.header["Retry-After"] != "2" {
		t.Errorf("Retry-After = %q, want 2", r.header["Retry-After"])
	}
	// Refused requests count too, whatever they carry: bad ones are refused
	// before their content is looked at.
	wantError(t, h.do(t, request{body: "garbage", from: "192.0.2.1"}), 429, CodeTemporarilyUnavailable)

	// Another address has its own bucket.
	if r := h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials", from: "192.0.2.2"}); r.status != 200 {
		t.Errorf("other address: status %d", r.status)
	}
	// The bucket refills with time.
	h.clock.Advance(2 * time.Second)
	if r := h.do(t, req); r.status != 200 {
		t.Errorf("after refill: status %d, body %s", r.status, r.body)
	}
	wantError(t, h.do(t, req), 429, CodeTemporarilyUnavailable)
}

func TestRateLimitPerClient(t *testing.T) {
	h := newHarness(t, Config{ClientRateLimit: RateLimit{Rate: 0.1, Burst: 2}, AddrRateLimit: RateLimit{Rate: 1000, Burst: 1000}})
	ok := request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}
	for range 2 {
		if r := h.do(t, ok); r.status != 200 {
			t.Fatalf("status %d, body %s", r.status, r.body)
		}
	}
	r := h.do(t, ok)
	wantError(t, r, fasthttp.StatusTooManyRequests, CodeTemporarilyUnavailable)
	if r.header["Retry-After"] != "10" {
		t.Errorf("Retry-After = %q, want 10", r.header["Retry-After"])
	}
	// The limit is per client, from any address...
	wantError(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials", from: "198.51.100.7"}), 429, CodeTemporarilyUnavailable)
	// ...and another client is unaffected.
	if r := h.do(t, request{auth: basic("custom", "custom-secret"), body: "grant_type=client_credentials"}); r.status != 200 {
		t.Errorf("other client: status %d", r.status)
	}
	// Failed authentication does not spend the victim's budget.
	h2 := newHarness(t, Config{ClientRateLimit: RateLimit{Rate: 0.1, Burst: 1}, AddrRateLimit: RateLimit{Rate: 1000, Burst: 1000}})
	for range 5 {
		wantError(t, h2.do(t, request{auth: basic(svcID, "wrong"), body: "grant_type=client_credentials"}), 401, CodeInvalidClient)
	}
	if r := h2.do(t, ok); r.status != 200 {
		t.Errorf("after failed attempts by others: status %d", r.status)
	}
}

func TestRateLimitDisabled(t *testing.T) {
	h := newHarness(t, Config{InsecureNoRateLimit: true, ClientRateLimit: RateLimit{Rate: 0.1, Burst: 1}, AddrRateLimit: RateLimit{Rate: 0.1, Burst: 1}})
	for i := range 10 {
		if r := h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}); r.status != 200 {
			t.Fatalf("request %d: status %d", i, r.status)
		}
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	l := newLimiter[string](RateLimit{Rate: 1, Burst: 5})
	now := time.Unix(1000, 0).UnixNano()
	bound := limiterShards * maxBucketsPerShard
	for i := range 3 * bound {
		l.allow("k"+strconv.Itoa(i), now) // all fresh, none idle: forced eviction
	}
	if n := l.len(); n > bound {
		t.Fatalf("%d buckets held, bound %d", n, bound)
	}
	// Idle buckets go first: five seconds later every bucket is full again.
	later := now + int64(5*time.Second)
	for i := range bound {
		l.allow("fresh"+strconv.Itoa(i), later)
	}
	if n := l.len(); n > bound {
		t.Fatalf("%d buckets held, bound %d", n, bound)
	}
}

func TestLimiterTokenBucket(t *testing.T) {
	l := newLimiter[string](RateLimit{Rate: 2, Burst: 4})
	now := time.Unix(1000, 0).UnixNano()
	for i := range 4 {
		if ok, _ := l.allow("a", now); !ok {
			t.Fatalf("request %d within burst refused", i)
		}
	}
	ok, wait := l.allow("a", now)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over burst: ok=%v wait=%v, want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow("a", now+int64(500*time.Millisecond)); !ok {
		t.Error("refused after refill")
	}
	// Refill is capped at the burst.
	now += int64(time.Hour)
	for i := range 4 {
		if ok, _ := l.allow("a", now); !ok {
			t.Fatalf("request %d after long idle refused", i)
		}
	}
	if ok, _ := l.allow("a", now); ok {
		t.Error("bucket refilled beyond burst")
	}
	// A clock going backwards refills nothing and breaks nothing.
	if ok, _ := l.allow("a", now-int64(time.Minute)); ok {
		t.Error("backwards clock refilled the bucket")
	}
}

// TestLimiterHammer shares one limiter between goroutines: no more than the
// burst is ever granted at one instant.
func TestLimiterHammer(t *testing.T) {
	l := newLimiter[string](RateLimit{Rate: 1, Burst: 100})
	now := time.Unix(1000, 0).UnixNano()
	var mu sync.Mutex
	granted := 0
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if ok, _ := l.allow("shared", now); ok {
					mu.Lock()
					granted++
					mu.Unlock()
				}
				l.allow("own"+strconv.Itoa(g*1000+i), now)
			}
		})
	}
	wg.Wait()
	if granted != 100 {
		t.Errorf("granted %d, want exactly the burst 100", granted)
	}
}

func TestAddrKey(t *testing.T) {
	tests := []struct {
		ip   string
		want string
	}{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::"},
	}
	for _, tt := range tests {
		if got := addrKey(netip.MustParseAddr(tt.ip)); got != netip.MustParseAddr(tt.want) {
			t.Errorf("addrKey(%s) = %v, want %s", tt.ip, got, tt.want)
		}
	}
	if got := addrKey(netip.Addr{}); got.IsValid() {
		t.Errorf("addrKey(zero) = %v", got)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tt := range []struct {
		wait time.Duration
		want int
	}{{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {1001 * time.Millisecond, 2}, {10 * time.Second, 10}} {
		if got := retryAfterSeconds(tt.wait); got != tt.want {
			t.Errorf("retryAfterSeconds(%v) = %d, want %d", tt.wait, got, tt.want)
		}
	}
}
