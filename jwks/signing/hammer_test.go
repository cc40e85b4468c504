package signing

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// TestHammer runs Sign, JWKS, States and Add concurrently while the clock
// moves keys through their states; run it with -race. Every token must
// verify against the final JWKS (MaxTokenTTL is long enough that no key
// expires), and every JWKS answer must be a consistent document/ETag pair.
func TestHammer(t *testing.T) {
	const (
		signers   = 4
		perSigner = 200
		rotations = 8
	)
	algsUsed := []string{ES256, EdDSA}
	clock := newClock(t0)
	opt := Options{PublishAhead: time.Minute, MaxTokenTTL: 1000 * time.Hour, Now: clock.Now}
	r := NewRing([]*Key{cachedKey(t, ES256), cachedKey(t, EdDSA)}, opt)

	// Keys to add, activating one after another as the clock advances.
	var pending []*Key
	for i := range rotations {
		for _, alg := range algsUsed {
			pending = append(pending, mustGenerate(t, alg, t0, t0.Add(time.Duration(i+1)*time.Minute)))
		}
	}

	var (
		wg     sync.WaitGroup
		added  atomic.Bool // all pending keys added
		done   atomic.Bool // signers and adder finished
		mu     sync.Mutex
		tokens []struct {
			alg string
			tok []byte
		}
	)
	for g := range signers {
		wg.Go(func() {
			alg := algsUsed[g%len(algsUsed)]
			// Sign at least perSigner tokens, and keep going until every key is added.
			for i := 0; i < perSigner || !added.Load(); i++ {
				tok, kid, err := r.Sign(alg, "at+jwt", []byte(`{"sub":"hammer"}`))
				if err != nil || kid == "" {
					t.Errorf("Sign: %q %v", kid, err)
					return
				}
				mu.Lock()
				tokens = append(tokens, struct {
					alg string
					tok []byte
				}{alg, tok})
				mu.Unlock()
			}
		})
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for !done.Load() {
				doc, etag := r.JWKS()
				sum := sha256.Sum256(doc)
				if want := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`; etag != want {
					t.Errorf("ETag %s does not match document (%s)", etag, want)
					return
				}
				if !bytes.HasPrefix(doc, []byte(`{"keys":[`)) {
					t.Errorf("document %s", doc)
					return
				}
				r.Algorithms()
				r.States(clock.Now())
			}
		})
	}
	wg.Go(func() {
		for _, k := range pending {
			r.Add(k)
			clock.advance(30 * time.Second)
		}
		added.Store(true)
	})
	wg.Wait()
	done.Store(true)
	readers.Wait()

	doc, _ := r.JWKS()
	if n := len(parseJWKS(t, doc)); n != 2+len(pending) {
		t.Errorf("final JWKS has %d keys, want %d", n, 2+len(pending))
	}
	set, err := jwk.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range tokens {
		if _, err := jws.Verify(x.tok, jws.WithKeySet(set, jws.WithRequireKid(true))); err != nil {
			t.Fatalf("%s token does not verify: %v", x.alg, err)
		}
	}
	if len(tokens) < signers*perSigner {
		t.Errorf("%d tokens, want at least %d", len(tokens), signers*perSigner)
	}
}
