package validator_test

import (
	"testing"

	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// FuzzValidate feeds arbitrary requests to a configured validator: it must
// never panic, must answer the same way twice (the second time possibly from
// the cache), Authorize must answer as BearerToken and Validate do in
// sequence, and every denial must be spec-shaped.
func FuzzValidate(f *testing.F) {
	for _, c := range tables {
		for _, h := range c.Authorization {
			f.Add([]byte(h), []byte(c.Method), []byte(c.Path))
		}
	}
	c := caseNamed(f, "happy/ES256")
	v, _ := mustValidator(f, c)
	f.Fuzz(func(t *testing.T, authorization, method, path []byte) {
		var ca validator.Claims
		bearer, ea := v.Authorize(authorization, conformance.Now, method, path, &ca)
		tok, err := validator.BearerToken(authorization)
		if err != nil {
			if err.Code != validator.InvalidRequest {
				t.Fatalf("BearerToken error %+v", err)
			}
			if !bearer || ea != err {
				t.Fatalf("Authorize = %v, %v; BearerToken error %v", bearer, ea, err)
			}
			return
		}
		if tok == nil {
			if bearer || ea != nil {
				t.Fatalf("Authorize = %v, %v; BearerToken found no token", bearer, ea)
			}
			return
		}
		c1, e1 := v.Validate(tok, conformance.Now, method, path)
		c2, e2 := v.Validate(tok, conformance.Now, method, path)
		if e1 != e2 || string(c1.Subject) != string(c2.Subject) || string(c1.Scope) != string(c2.Scope) {
			t.Fatalf("answers differ: %+v %v / %+v %v", c1, e1, c2, e2)
		}
		if !bearer || ea != e1 || e1 == nil && (string(ca.Subject) != string(c1.Subject) || string(ca.Scope) != string(c1.Scope) || ca.Expiry != c1.Expiry) {
			t.Fatalf("Authorize = %v, %+v, %v; BearerToken and Validate %+v, %v", bearer, ca, ea, c1, e1)
		}
		if e1 != nil && (e1.Code < validator.InvalidRequest || e1.Code > validator.InsufficientScope || e1.Description == "") {
			t.Fatalf("malformed denial %+v", e1)
		}
	})
}

// FuzzConfigure feeds arbitrary policy, JWKS and revocation documents: no
// panics, and a rejected update leaves a working validator.
func FuzzConfigure(f *testing.F) {
	f.Add(conformance.BasePolicy(), conformance.PublicJWKS(), []byte(`[{"jti":"a","exp":1}]`))
	f.Add(conformance.HS256Policy(), []byte(`{"keys":[]}`), []byte(`[]`))
	f.Add([]byte(`{"issuer":"i","audiences":["a"],"jwks":{"keys":[]},"routes":[{"path":"/*"}]}`), []byte(`{}`), []byte(`{}`))
	c := caseNamed(f, "happy/ES256")
	f.Fuzz(func(t *testing.T, policy, keys, feed []byte) {
		p, err := validator.ParsePolicy(policy)
		if err != nil {
			return
		}
		v, err := validator.New(p)
		if err != nil {
			return
		}
		keysErr := v.SetKeys(keys)
		revErr := v.SetRevocations(feed)
		_, verr := v.Validate(c.Token, c.Now, []byte("GET"), []byte("/"))
		if keysErr != nil && revErr != nil && verr == nil && len(p.JWKS) == 0 {
			t.Fatal("token accepted with no keys loaded")
		}
	})
}
