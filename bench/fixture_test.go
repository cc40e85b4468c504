package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/wasm/validator"
)

// TestFixtureTokens: the fixture's tokens are what the issuer mints — RFC
// 9068 header and claims, three scopes, a fresh jti each time — and the
// validation core accepts them under the fixture's policy.
func TestFixtureTokens(t *testing.T) {
	f := mustFixture(t)
	p, err := validator.ParsePolicy(f.Policy(nil))
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range Algorithms {
		t.Run(alg, func(t *testing.T) {
			tok, err := f.Mint(alg)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := f.Mint(alg)
			if bytes.Equal(tok, again) {
				t.Error("two mints gave the same token")
			}
			parts := strings.Split(string(tok), ".")
			var hdr struct{ Alg, Kid, Typ string }
			var claims map[string]any
			decode(t, parts[0], &hdr)
			decode(t, parts[1], &claims)
			if hdr.Alg != alg || hdr.Typ != "at+jwt" || hdr.Kid != f.Key(alg).Kid {
				t.Errorf("header %+v", hdr)
			}
			if claims["iss"] != Issuer || claims["scope"] != Scopes || claims["client_id"] == nil || claims["jti"] == nil {
				t.Errorf("claims %v", claims)
			}
			if n := len(tok); n < 450 || n > 900 {
				t.Errorf("token of %d bytes", n)
			}
			c, verr := v.Validate(tok, time.Now().Unix(), []byte(Method), []byte(Path))
			if verr != nil || string(c.Scope) != Scopes {
				t.Fatalf("core: %v, claims %+v", verr, c)
			}
		})
	}
	if _, err := f.Mint("HS256"); err == nil {
		t.Error("minted HS256 without a key")
	}
}

func decode(t *testing.T, seg string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// TestImplsAgree: every implementation under comparison accepts the
// fixture's tokens, rejects a token with a flipped signature byte, and the
// cached setups really answer from a cache.
func TestImplsAgree(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for _, alg := range Algorithms {
				tok := mustToken(t, alg)
				bad := append([]byte(nil), tok...)
				bad[len(bad)-5] ^= 'A' ^ 'B'
				if bad[len(bad)-5] == tok[len(tok)-5] {
					bad[len(bad)-5]++
				}
				for _, cached := range []bool{true, false} {
					validate := im.setup(t, cached)
					if _, err := validate(tok); err != nil {
						t.Fatalf("%s: %v", alg, err)
					}
					hit, err := validate(tok)
					if err != nil || (im.hasCache && hit != cached) {
						t.Errorf("%s cached=%v: second call hit %v, err %v", alg, cached, hit, err)
					}
					if _, err := validate(bad); err == nil {
						t.Errorf("%s cached=%v: a corrupted signature was accepted", alg, cached)
					}
				}
			}
		})
	}
}
