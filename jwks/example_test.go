package jwks_test

import (
	"fmt"

	"github.com/tollgate/tollgate/jwks"
)

func ExampleThumbprint() {
	// RFC 7638 §3.1.
	set, err := jwks.Parse([]byte(`{"keys":[{"kty":"RSA","kid":"2011-04-29","alg":"RS256","e":"AQAB",` +
		`"n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},` +
		`{"kty":"EC","crv":"P-384","use":"sig","x":"AA","y":"AA"}]}`))
	if err != nil {
		panic(err)
	}
	k := set.Lookup("2011-04-29")
	fmt.Println(jwks.Thumbprint(k))
	fmt.Println(k.Supports(jwks.RS256), k.Supports(jwks.PS256), "ignored:", set.Ignored)
	// Output:
	// NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs
	// true false ignored: 1
}
