package validator_test

import (
	"testing"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// TestWycheproofSignatures runs every Wycheproof signature vector through
// VerifySignature. A key the jwks package refuses counts as a rejection.
func TestWycheproofSignatures(t *testing.T) {
	vectors, err := conformance.SignatureVectors()
	if err != nil {
		t.Fatal(err)
	}
	counts, accepted := map[string]int{}, 0
	for _, v := range vectors {
		key, err := jwks.ParseKey(v.JWK, nil)
		got := err == nil && validator.VerifySignature(v.Alg, key, v.Msg, v.Sig)
		if got != v.Valid {
			t.Errorf("%s: verdict %v, want %v (key error %v) %s", v.Name, got, v.Valid, err, v.Note)
		}
		counts[v.Alg]++
		if got {
			accepted++
		}
	}
	t.Logf("signature vectors per algorithm: %v; %d accepted", counts, accepted)
	if len(vectors) != 262+151+259+108 {
		t.Errorf("%d vectors, want every one of the four files", len(vectors))
	}
}

// TestWycheproofJWS runs every Wycheproof JWS and JWK vector through
// VerifyJWS with the vector's keys inline in the policy.
func TestWycheproofJWS(t *testing.T) {
	vectors, err := conformance.JWSVectors()
	if err != nil {
		t.Fatal(err)
	}
	accepted, noted := 0, 0
	for _, v := range vectors {
		got, why := verifyJWS(v)
		if got != v.Valid {
			t.Errorf("%s: verdict %v (%s), want %v %s", v.Name, got, why, v.Valid, v.Note)
		}
		if got {
			accepted++
		}
		if v.Note != "" {
			noted++
		}
	}
	t.Logf("%d vectors, %d accepted, %d departing from Wycheproof's label (see Note)", len(vectors), accepted, noted)
	if accepted < 25 {
		t.Errorf("only %d valid vectors accepted", accepted)
	}
	if len(vectors) != 401+26 {
		t.Errorf("%d vectors, want 427", len(vectors))
	}
}

func verifyJWS(v conformance.JWSVector) (bool, string) {
	p, err := validator.ParsePolicy(v.Policy)
	if err != nil {
		return false, err.Error()
	}
	val, err := validator.New(p)
	if err != nil {
		return false, err.Error()
	}
	if _, e := val.VerifyJWS([]byte(v.Token)); e != nil {
		return false, e.Description
	}
	return true, ""
}
