package jwks

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// wycheproofJWK mirrors json_web_key_test.json (schema json_web_key_schema_v1).
type wycheproofJWK struct {
	TestGroups []struct {
		Comment string          `json:"comment"`
		Public  json.RawMessage `json:"public"`
		Private json.RawMessage `json:"private"`
		Tests   []struct {
			TcID   int    `json:"tcId"`
			Result string `json:"result"`
		} `json:"tests"`
	} `json:"testGroups"`
}

// TestWycheproofKeySets parses every key set of Wycheproof's JWK tests (the
// public set where the group has one, else the private set, which only
// symmetric groups lack a public form of) and checks the key-level outcome.
// The JWS-level verdicts of the same file are checked in wasm/validator.
func TestWycheproofKeySets(t *testing.T) {
	data, err := os.ReadFile("testdata/wycheproof/json_web_key_test.json")
	if err != nil {
		t.Fatal(err)
	}
	var file wycheproofJWK
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	// want, by the tcId of the group's first test: the error Parse must
	// return, or nil and the number of usable keys.
	type outcome struct {
		err         error
		usable      int
		unsupported bool // an algorithm Tollgate does not implement: valid tests are rejected on purpose
	}
	want := map[int]outcome{
		1:  {err: ErrMixedKeySet},     // oct and EC keys in one set: ambiguous
		2:  {usable: 2},               // two HS256 keys
		4:  {err: ErrBase64},          // two HS256 keys, one kid; the second k has non-zero trailing bits, which fails first
		5:  {usable: 1},               // RS256
		6:  {usable: 0},               // RSA1_5, use enc: skipped
		7:  {err: ErrRSAModulus},      // ROCA-vulnerable modulus
		8:  {err: ErrKeySize},         // 1024-bit RSA
		9:  {err: ErrRSAExponent},     // e = 1
		10: {err: ErrKeySize},         // HS256 with a 31-byte key
		11: {unsupported: true},       // HS384: unsupported, skipped
		12: {unsupported: true},       // HS512: unsupported, skipped
		13: {usable: 1},               // HS256 with a 64-byte key
		14: {unsupported: true},       // HS384
		15: {unsupported: true},       // HS512
		16: {err: ErrKeySize},         // HS256, empty key
		17: {unsupported: true},       // HS384, empty key: skipped before judging it
		18: {unsupported: true},       // HS512, empty key
		19: {unsupported: true},       // alg ES521 on a P-256 key: unsupported alg, skipped
		20: {unsupported: true},       // alg ES224: unsupported, skipped
		21: {usable: 0},               // use enc: skipped
		22: {err: ErrPointNotOnCurve}, // y modified
		23: {unsupported: true},       // crv P-384 with P-256 coordinates: skipped
		24: {err: ErrMissingMember},   // kty RSA with EC members: no n
		25: {unsupported: true},       // oct key for A256GCM: skipped
		26: {unsupported: true},       // oct key for A256KW: skipped
	}
	for _, g := range file.TestGroups {
		id := g.Tests[0].TcID
		w, ok := want[id]
		if !ok {
			t.Errorf("group %q (tcId %d): no expectation", g.Comment, id)
			continue
		}
		doc := g.Public
		if doc == nil {
			doc = g.Private
		}
		if doc[0] != '{' || !json.Valid(doc) {
			t.Fatalf("group %d: bad set", id)
		}
		s, err := ParseWithOptions(doc, &Options{AllowOct: true})
		switch {
		case w.err != nil && !errors.Is(err, w.err):
			t.Errorf("group %q (tcId %d): err = %v, want %v", g.Comment, id, err, w.err)
		case w.err == nil && err != nil:
			t.Errorf("group %q (tcId %d): err = %v", g.Comment, id, err)
		case w.err == nil && len(s.Keys) != w.usable:
			t.Errorf("group %q (tcId %d): %d usable keys, want %d", g.Comment, id, len(s.Keys), w.usable)
		}
		// Whatever is not usable can make no test valid.
		if (err != nil || len(s.Keys) == 0) && g.Tests[0].Result == "valid" && !w.unsupported {
			t.Errorf("group %q (tcId %d): valid test but no usable key", g.Comment, id)
		}
	}
}
