package validator_test

import (
	"fmt"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

func Example() {
	p, err := validator.ParsePolicy(conformance.BasePolicy())
	if err != nil {
		panic(err)
	}
	v, err := validator.New(p) // one per goroutine or WebAssembly instance
	if err != nil {
		panic(err)
	}
	if err := v.SetKeys(conformance.PublicJWKS()); err != nil { // fetched from jwks_url
		panic(err)
	}
	header := []byte(`{"alg":"ES256","kid":"es256","typ":"at+jwt"}`)
	claims := []byte(`{"iss":"https://issuer.example/o","aud":"api","sub":"user-1","client_id":"client-1",` +
		`"scope":"read","exp":1767226200}`)
	authorization := []byte("Bearer " + conformance.Sign("ES256", header, claims))

	token, e := validator.BearerToken(authorization)
	if e != nil || token == nil {
		panic("no token")
	}
	for _, req := range []struct{ method, path string }{{"GET", "/items"}, {"GET", "/items"}, {"POST", "/admin/users"}} {
		c, e := v.Validate(token, conformance.Now, []byte(req.method), []byte(req.path))
		if e != nil {
			fmt.Println(e.Code.Status(), string(validator.AppendChallenge(nil, p.Realm, e)))
			continue
		}
		fmt.Println(200, string(c.Subject), string(c.Scope), "cached:", c.Cached)
	}
	// Output:
	// 200 user-1 read cached: false
	// 200 user-1 read cached: true
	// 403 Bearer realm="tollgate-test", error="insufficient_scope", error_description="insufficient scope", scope="read admin"
}

func ExampleValidator_Authorize() {
	p, err := validator.ParsePolicy(conformance.BasePolicy())
	if err != nil {
		panic(err)
	}
	v, err := validator.New(p)
	if err != nil {
		panic(err)
	}
	if err := v.SetKeys(conformance.PublicJWKS()); err != nil {
		panic(err)
	}
	header := []byte(`{"alg":"EdDSA","kid":"eddsa","typ":"at+jwt"}`)
	claims := []byte(`{"iss":"https://issuer.example/o","aud":"api","sub":"user-2","client_id":"client-2",` +
		`"scope":"read","exp":1767226200}`)
	var c validator.Claims // reused: the cached path allocates nothing
	for _, authorization := range []string{
		"Bearer " + conformance.Sign("EdDSA", header, claims),
		"Bearer " + conformance.Sign("EdDSA", header, claims), // the same token: from the cache
		"Basic dXNlcjpwYXNz",
		"Bearer not a token",
	} {
		bearer, e := v.Authorize([]byte(authorization), conformance.Now, []byte("GET"), []byte("/items"), &c)
		switch {
		case !bearer:
			fmt.Println(401, string(validator.AppendChallenge(nil, p.Realm, nil)))
		case e != nil:
			fmt.Println(e.Code.Status(), string(validator.AppendChallenge(nil, p.Realm, e)))
		default:
			fmt.Println(200, string(c.Subject), "cached:", c.Cached)
		}
	}
	// Output:
	// 200 user-2 cached: false
	// 200 user-2 cached: true
	// 401 Bearer realm="tollgate-test"
	// 400 Bearer realm="tollgate-test", error="invalid_request", error_description="malformed authorization header"
}
