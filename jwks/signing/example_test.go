package signing_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/tollgate/tollgate/jwks/signing"
)

// Example shows the issuer's key lifecycle: the first key signs at once, a
// rotated key is published before it signs.
func Example() {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ring := signing.NewRing(nil, signing.Options{JWKSMaxAge: 5 * time.Minute, MaxTokenTTL: time.Hour, Now: clock})

	first, _ := ring.Rotate(signing.ES256) // persist first.MarshalPrivate() here
	ring.Add(first)
	_, kid, _ := ring.Sign(signing.ES256, "at+jwt", []byte(`{"sub":"client-1"}`))
	fmt.Println("signed by first:", kid == first.Kid)

	now = now.Add(24 * time.Hour)
	next, _ := ring.Rotate(signing.ES256)
	ring.Add(next)
	doc, _ := ring.JWKS()
	_, kid, _ = ring.Sign(signing.ES256, "at+jwt", []byte(`{"sub":"client-1"}`))
	fmt.Println("next published:", bytes.Contains(doc, []byte(next.Kid)), "signed by first:", kid == first.Kid)
	fmt.Println("activates in:", next.ActivateAt.Sub(now))

	now = next.ActivateAt
	_, kid, _ = ring.Sign(signing.ES256, "at+jwt", []byte(`{"sub":"client-1"}`))
	fmt.Println("signed by next:", kid == next.Kid)
	for _, s := range ring.States(now) {
		if s.State == signing.StateRetired {
			fmt.Println(s.State, "first:", s.Kid == first.Kid, "published for", s.Expires.Sub(now))
		} else {
			fmt.Println(s.State, "next:", s.Kid == next.Kid)
		}
	}
	// Output:
	// signed by first: true
	// next published: true signed by first: true
	// activates in: 10m0s
	// signed by next: true
	// retired first: true published for 1h0m0s
	// active next: true
}
