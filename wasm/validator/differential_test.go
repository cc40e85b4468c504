package validator_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	xjwt "github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/jwks/strictjson"
	"github.com/tollgate/tollgate/wasm/validator"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// FuzzDifferential compares the core with github.com/golang-jwt/jwt/v5 and
// github.com/lestrrat-go/jwx/v3, both configured as strictly as they allow
// (algorithm allowlist, issuer, audience, exp required, iat checked, 60 s
// leeway, strict base64, kid required) on the HS256 conformance policy. The
// libraries know nothing of RFC 9068's typ or of scopes, so appChecks adds
// those two rules on top of them, as an application would.
//
// The fuzzer supplies a header and a payload that the test signs with the
// table key for the chosen algorithm (so JSON differences are reachable
// behind valid signatures), optionally corrupts the signature, or uses the
// header bytes as a raw token. Every disagreement must be one that explain
// documents as a deliberate strictness of the core; anything else fails.
func FuzzDifferential(f *testing.F) {
	for _, c := range tables {
		if c.Token == nil || len(c.Token) > 9000 {
			continue
		}
		h, p, alg := splitForSeed(string(c.Token))
		f.Add(h, p, alg, uint8(0))
		f.Add(c.Token, []byte(nil), alg, uint8(2))
	}
	d := newDifferential(f)
	f.Fuzz(func(t *testing.T, header, payload []byte, algIndex, mode uint8) {
		alg := diffAlgs[int(algIndex)%len(diffAlgs)]
		var token string
		switch mode % 3 {
		case 0:
			token = conformance.Sign(alg, header, payload)
		case 1:
			tok := []byte(conformance.Sign(alg, header, payload))
			tok[len(tok)-3] ^= 0x01
			token = string(tok)
		default:
			token = string(header)
		}
		d.compare(t, token)
	})
}

// TestDifferentialTables runs the comparison over every table token.
func TestDifferentialTables(t *testing.T) {
	d := newDifferential(t)
	for _, c := range tables {
		if c.Token != nil {
			d.compare(t, string(c.Token))
		}
	}
}

var diffAlgs = []string{"ES256", "EdDSA", "RS256", "PS256", "HS256"}

type differential struct {
	core   *validator.Validator
	keys   map[string]any    // kid → public key (or HS256 secret)
	algOf  map[string]string // kid → the key's alg
	jwxSet jwk.Set
	gj     *gjwt.Parser
}

func newDifferential(t testing.TB) *differential {
	p, err := validator.ParsePolicy(conformance.HS256Policy())
	if err != nil {
		t.Fatal(err)
	}
	p.CacheEntries = -1 // compare full validations only
	v, err := validator.New(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.SetKeys(conformance.PublicJWKS()); err != nil {
		t.Fatal(err)
	}
	d := &differential{core: v, keys: map[string]any{}, algOf: map[string]string{}}

	// The same keys, for the references.
	pub, err := jwks.Parse(conformance.PublicJWKS())
	if err != nil {
		t.Fatal(err)
	}
	var inline struct {
		JWKS json.RawMessage `json:"jwks"`
	}
	if err := json.Unmarshal(conformance.HS256Policy(), &inline); err != nil {
		t.Fatal(err)
	}
	oct, err := jwks.ParseWithOptions(inline.JWKS, &jwks.Options{AllowOct: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range append(pub.Keys, oct.Keys...) {
		d.algOf[k.Kid] = k.Alg
		switch pk := k.Public.(type) {
		case *ecdsa.PublicKey, ed25519.PublicKey, *rsa.PublicKey:
			d.keys[k.Kid] = pk
		default:
			d.keys[k.Kid] = k.K
		}
	}
	all := `{"keys":[` + strings.TrimSuffix(strings.TrimPrefix(string(conformance.PublicJWKS()), `{"keys":[`), `]}`) +
		`,` + strings.TrimSuffix(strings.TrimPrefix(string(inline.JWKS), `{"keys":[`), `]}`) + `]}`
	if d.jwxSet, err = jwk.Parse([]byte(all)); err != nil {
		t.Fatal(err)
	}
	d.gj = gjwt.NewParser(
		gjwt.WithValidMethods(diffAlgs),
		gjwt.WithIssuer(conformance.Issuer),
		gjwt.WithAudience(conformance.Audience),
		gjwt.WithExpirationRequired(),
		gjwt.WithIssuedAt(),
		gjwt.WithLeeway(60*time.Second),
		gjwt.WithTimeFunc(func() time.Time { return time.Unix(conformance.Now, 0) }),
		gjwt.WithStrictDecoding(),
	)
	return d
}

func (d *differential) compare(t *testing.T, token string) {
	t.Helper()
	_, cerr := d.core.Validate([]byte(token), conformance.Now, []byte("GET"), []byte("/api/items"))
	core := cerr == nil
	gjErr := d.golangJWT(token)
	jxErr := d.jwx(token)
	for _, ref := range []struct {
		name string
		err  error
	}{{"golang-jwt", gjErr}, {"jwx", jxErr}} {
		if core == (ref.err == nil) {
			continue
		}
		if why := explain(token, cerr, ref.name, ref.err); why == "" {
			t.Fatalf("core %v (%v), %s %v (%v) on %q", core, cerr, ref.name, ref.err == nil, ref.err, token)
		}
	}
}

func (d *differential) golangJWT(token string) error {
	tok, err := d.gj.Parse(token, func(tok *gjwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		k, ok := d.keys[kid]
		if !ok || d.algOf[kid] != tok.Method.Alg() {
			return nil, errors.New("no key for kid and alg")
		}
		return k, nil
	})
	if err != nil {
		return err
	}
	return appChecks(tok.Header, tok.Claims.(gjwt.MapClaims))
}

func (d *differential) jwx(token string) error {
	tok, err := xjwt.Parse([]byte(token),
		xjwt.WithKeySet(d.jwxSet, jws.WithRequireKid(true)),
		xjwt.WithValidate(true),
		xjwt.WithIssuer(conformance.Issuer),
		xjwt.WithAudience(conformance.Audience),
		xjwt.WithRequiredClaim("exp"),
		xjwt.WithAcceptableSkew(60*time.Second),
		xjwt.WithClock(xjwt.ClockFunc(func() time.Time { return time.Unix(conformance.Now, 0) })),
		xjwt.WithStrictStringClaims(true),
	)
	if err != nil {
		return err
	}
	var header map[string]any
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		return err
	}
	hb, _ := json.Marshal(msg.Signatures()[0].ProtectedHeaders())
	if err := json.Unmarshal(hb, &header); err != nil {
		return err
	}
	claims := map[string]any{}
	var scope string
	if tok.Get("scope", &scope) == nil {
		claims["scope"] = scope
	}
	return appChecks(header, claims)
}

// appChecks are the policy rules the libraries lack: typ at+jwt (RFC 9068)
// and the policy's required scope.
func appChecks(header map[string]any, claims map[string]any) error {
	typ, _ := header["typ"].(string)
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return errors.New("typ")
	}
	scope, _ := claims["scope"].(string)
	for _, s := range strings.Split(scope, " ") {
		if s == "read" {
			return nil
		}
	}
	return errors.New("scope")
}

// explain returns why the core and a reference may disagree on token, or ""
// if the disagreement is unexplained (a bug in one of them).
func explain(token string, cerr *validator.Error, ref string, referr error) string {
	parts := strings.Split(token, ".")
	var hdr, payload []byte
	if len(parts) == 3 {
		hdr, _ = base64.RawURLEncoding.DecodeString(parts[0])
		payload, _ = base64.RawURLEncoding.DecodeString(parts[1])
	}
	if cerr == nil {
		// The core accepts what a reference rejects.
		switch {
		case ref == "jwx" && hasNullStringClaim(payload):
			// Not reached in practice: jwx's strict string claims reject
			// null, and so does the core (a JSON null is not a string).
			return ""
		case fractionalTime(payload, "nbf") || fractionalTime(payload, "iat"):
			// The core truncates fractional NumericDates (RFC 7519 §2
			// allows fractions); truncating nbf/iat accepts up to a second
			// earlier than a reference comparing exactly.
			return "fractional nbf/iat truncated"
		}
		return ""
	}
	// The core rejects what a reference accepts: the core's deliberate
	// strictness, each case justified in the package documentation.
	switch cerr.Description {
	case "algorithm not allowed", "key does not match algorithm":
		if ref == "jwx" && headerAlgDiffersFromKey(hdr) {
			// jwx picks the algorithm from the key's own alg and ignores
			// the header's, so it accepts a token whose header says "none"
			// (or "es256", "RS256" on a PS256 key…) when the signature is
			// valid under the key's alg. The core requires the header alg
			// to be allowed and to equal the key's (RFC 7515 §4.1.1: alg
			// identifies the algorithm used).
			return "jwx ignores a header alg that contradicts the key's alg"
		}
	case "token too large":
		return "size limit (max_token_bytes) checked before decoding; the libraries have none"
	case "unsupported header parameter":
		return "crit/jku/jwk/x5u/x5c/b64/zip/enc rejected outright; the libraries ignore most of them"
	case "sender-constrained token":
		return "cnf means the token needs proof of possession; the libraries do not look"
	case "malformed token":
		for _, seg := range parts {
			if _, err := jwks.AppendDecode(nil, []byte(seg)); err != nil {
				// golang-jwt's Strict decoding still skips CR and LF; jwx
				// also takes padding and the standard alphabet. RFC 7515 §2
				// base64url has no padding, no line breaks and one
				// encoding per value.
				return "segment is not canonical unpadded base64url; the reference decodes it leniently"
			}
		}
	case "malformed token header":
		if ref == "jwx" && headerAlgDiffersFromKey(hdr) {
			return "jwx verifies a header without alg with the key's alg; RFC 7515 §4.1.1 requires alg"
		}
		if strictjson.Valid(hdr) != nil {
			return "header is not strict JSON (duplicate members, invalid UTF-8, lone surrogates, trailing data…); encoding/json accepts it"
		}
		if !stringMember(hdr, "kid") || !stringMember(hdr, "typ") || !stringMember(hdr, "alg") {
			return "alg, kid and typ must be strings; the libraries ignore mistyped typ/kid"
		}
	case "malformed claims":
		if strictjson.Valid(payload) != nil {
			return "claims are not strict JSON (duplicate members, invalid UTF-8, lone surrogates, trailing data, nesting…); encoding/json accepts it"
		}
		if claimsQuirk(payload) {
			return "the core also types sub, client_id, scope and jti, forbids control characters in forwarded claims and rejects NumericDates beyond int64"
		}
	case "token expired", "missing expiry":
		if fractionalTime(payload, "exp") || zeroTime(payload, "exp") {
			return "fractional exp truncated; golang-jwt treats exp 0 as absent"
		}
	case "token not yet valid", "token issued in the future":
		if zeroTime(payload, "nbf") || zeroTime(payload, "iat") {
			return "golang-jwt treats a zero nbf/iat as absent"
		}
	}
	return ""
}

// headerAlgDiffersFromKey reports whether the header's alg differs from the
// alg of the table key its kid names.
func headerAlgDiffersFromKey(hdr []byte) bool {
	var h struct{ Alg, Kid string }
	if json.Unmarshal(hdr, &h) != nil {
		return false
	}
	keyAlg := map[string]string{"es256": "ES256", "eddsa": "EdDSA", "rs256": "RS256", "ps256": "PS256", "hs256": "HS256"}[h.Kid]
	return keyAlg != "" && keyAlg != h.Alg
}

func splitForSeed(tok string) ([]byte, []byte, uint8) {
	parts := strings.SplitN(tok, ".", 3)
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var p []byte
	if len(parts) > 1 {
		p, _ = base64.RawURLEncoding.DecodeString(parts[1])
	}
	var hdr struct{ Alg string }
	_ = json.Unmarshal(h, &hdr) // some table tokens have malformed headers: they seed the first alg
	for i, a := range diffAlgs {
		if a == hdr.Alg {
			return h, p, uint8(i)
		}
	}
	return h, p, 0
}

// member returns the raw value of a top-level member of a JSON object.
func member(doc []byte, name string) ([]byte, bool) {
	var o strictjson.Object
	if o.Reset(doc) != nil { // not an object: no members
		return nil, false
	}
	for o.Next() {
		if string(o.Key()) == name {
			return o.Value(), true
		}
	}
	return nil, false
}

func stringMember(doc []byte, name string) bool {
	v, ok := member(doc, name)
	return !ok || strictjson.KindOf(v) == strictjson.KindString
}

func fractionalTime(payload []byte, name string) bool {
	v, ok := member(payload, name)
	return ok && bytes.ContainsAny(v, ".eE")
}

func zeroTime(payload []byte, name string) bool {
	v, ok := member(payload, name)
	n, err := strictjson.Int(v)
	return ok && err == nil && n == 0
}

// claimsQuirk reports whether the claims have a property only the core
// checks.
func claimsQuirk(payload []byte) bool {
	var o strictjson.Object
	if o.Reset(payload) != nil { // not an object: rejected by every reader alike
		return false
	}
	for o.Next() {
		v := o.Value()
		switch string(o.Key()) {
		case "sub", "client_id", "scope", "jti":
			s, err := strictjson.Unquote(v, nil)
			if err != nil || bytes.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return true
			}
		case "exp", "nbf", "iat":
			if _, err := strictjson.Int(v); err != nil {
				return true
			}
		}
	}
	return false
}

func hasNullStringClaim(payload []byte) bool {
	for _, name := range []string{"iss", "sub", "jti"} {
		if v, ok := member(payload, name); ok && string(v) == "null" {
			return true
		}
	}
	return false
}
