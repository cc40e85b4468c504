package conformance

import (
	"encoding/json"
	"strings"
)

// The tables' fixed values.
const (
	Now      int64 = 1767225600 // 2026-01-01T00:00:00Z
	Issuer         = "https://issuer.example/o"
	Audience       = "api"
)

// Descriptions the core gives (Want.Description).
const (
	descTooLarge    = "token too large"
	descMalformed   = "malformed token"
	descHeader      = "malformed token header"
	descAlg         = "algorithm not allowed"
	descHeaderParam = "unsupported header parameter"
	descTyp         = "not an access token"
	descUnknownKey  = "unknown key"
	descKeyMismatch = "key does not match algorithm"
	descSignature   = "invalid signature"
	descClaims      = "malformed claims"
	descIssuer      = "wrong issuer"
	descAudience    = "wrong audience"
	descNoExpiry    = "missing expiry"
	descExpired     = "token expired"
	descNotYet      = "token not yet valid"
	descFuture      = "token issued in the future"
	descRevoked     = "token revoked"
	descBound       = "sender-constrained token"
	descScope       = "insufficient scope"
	descBadHeader   = "malformed authorization header"
	descBadPath     = "non-canonical request path"
)

// policyDoc returns a policy document: the base policy with fields replaced
// or added by extra (a JSON object's members, may be empty).
func policyDoc(extra map[string]any) []byte {
	m := map[string]any{
		"issuer":          Issuer,
		"audiences":       []string{Audience},
		"scopes":          []string{"read"},
		"algorithms":      []string{"ES256", "EdDSA", "RS256", "PS256"},
		"leeway_seconds":  60,
		"max_token_bytes": 8192,
		"jwks_url":        "https://issuer.example/o/.well-known/jwks.json",
		"revocations_url": "https://issuer.example/o/revoked",
		"realm":           "tollgate-test",
		"routes":          []map[string]any{{"method": "POST", "path": "/admin/*", "scopes": []string{"admin"}}},
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// table builds cases.
type table struct {
	k      *keys
	cases  []Case
	policy []byte // default policy
	hs     []byte // policy allowing HS256 with the inline oct key
	keySet []byte // the published JWKS
}

// add appends a case for token (sent as "Bearer token") with the default
// policy, keys, time and request, after applying mods.
func (t *table) add(name, token string, want Want, mods ...func(*Case)) {
	c := Case{
		Name: name, Policy: t.policy, Keys: t.keySet,
		Authorization: []string{"Bearer " + token}, Token: []byte(token),
		Now: Now, Method: "GET", Path: "/api/items", Want: want,
	}
	for _, m := range mods {
		m(&c)
	}
	t.cases = append(t.cases, c)
}

// Expectations.
var allow = Want{Status: 200, Subject: "user-1", ClientID: "client-1", Scopes: "read write"}

func deny(desc string) Want { return Want{Status: 401, Error: "invalid_token", Description: desc} }

func badRequest(desc string) Want {
	return Want{Status: 400, Error: "invalid_request", Description: desc}
}

func forbidden(scope string) Want {
	return Want{Status: 403, Error: "insufficient_scope", Description: descScope, Scope: scope}
}

// Case modifiers.
func withPolicy(p []byte) func(*Case)      { return func(c *Case) { c.Policy = p } }
func withRequest(m, p string) func(*Case)  { return func(c *Case) { c.Method, c.Path = m, p } }
func withRevocations(f string) func(*Case) { return func(c *Case) { c.Revocations = []byte(f) } }
func withoutKeys() func(*Case)             { return func(c *Case) { c.Keys = nil } }
func withAuthorization(h ...string) func(*Case) {
	return func(c *Case) { c.Authorization, c.Token = h, nil }
}

// Cases returns the host conformance table. Each call signs its tokens
// afresh (ECDSA and PSS signatures differ between calls; verdicts do not).
func Cases() []Case {
	k := mustKeys()
	t := &table{k: k, keySet: []byte(k.publicSet())}
	t.policy = policyDoc(nil)
	t.hs = HS256Policy()
	t.happy()
	t.bearer()
	t.algorithms()
	t.headers()
	t.encoding()
	t.claimTypes()
	t.times()
	t.identity()
	t.scopes()
	return t.cases
}

func (t *table) es(h, p string) string                    { return compact(h, p, signES256(t.k.es256)) }
func (t *table) std(p string) string                      { return t.es(header("ES256", "es256"), p) }
func (t *table) esClaims(mod func(map[string]any)) string { return t.std(claims(mod)) }

func (t *table) happy() {
	k := t.k
	t.add("happy/ES256", t.std(claims(nil)), allow)
	t.add("happy/EdDSA", compact(header("EdDSA", "eddsa"), claims(nil), signEdDSA(k.eddsa)), allow)
	t.add("happy/RS256", compact(header("RS256", "rs256"), claims(nil), signRS256(k.rs256)), allow)
	t.add("happy/PS256", compact(header("PS256", "ps256"), claims(nil), signPS256(k.ps256)), allow)
	t.add("happy/HS256 with an inline oct key", compact(header("HS256", "hs256"), claims(nil), signHS256(k.hs256)), allow, withPolicy(t.hs))
	t.add("happy/ES256 beside an inline oct key", t.std(claims(nil)), allow, withPolicy(t.hs))
	t.add("happy/inline public JWKS", t.std(claims(nil)), allow, withoutKeys(),
		withPolicy(policyDoc(map[string]any{"jwks": json.RawMessage(t.keySet), "jwks_url": nil})))
	t.add("happy/typ application/at+jwt", t.es(`{"alg":"ES256","kid":"es256","typ":"application/at+jwt"}`, claims(nil)), allow)
	t.add("happy/typ in upper case", t.es(`{"alg":"ES256","kid":"es256","typ":"AT+JWT"}`, claims(nil)), allow)
	t.add("happy/aud array", t.esClaims(func(m map[string]any) { m["aud"] = []string{"other", Audience} }), allow)
	t.add("happy/fractional exp", t.std(strings.Replace(claims(nil), `"exp":1767226200`, `"exp":1767226200.75`, 1)), allow)
	t.add("happy/exp in exponent notation", t.std(strings.Replace(claims(nil), `"exp":1767226200`, `"exp":1.7672262e9`, 1)), allow)
	t.add("happy/expired within leeway", t.esClaims(func(m map[string]any) { m["exp"] = Now - 30 }), allow)
	t.add("happy/nbf within leeway", t.esClaims(func(m map[string]any) { m["nbf"] = Now + 60 }), allow)
	t.add("happy/unknown claims and header members ignored", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","x5t":"abc","cty":"x"}`,
		claims(func(m map[string]any) {
			m["auth_time"] = Now - 100
			m["acr"] = "1"
			m["ext"] = map[string]any{"a": []int{1, 2}}
		})), allow)
	t.add("happy/whitespace in JSON", t.es("{ \"alg\" : \"ES256\",\n\t\"kid\":\"es256\" , \"typ\":\"at+jwt\" }", " "+claims(nil)+"\n"), allow)
	t.add("happy/escaped claim names and values",
		t.std(`{"\u0069ss":"https:\/\/issuer.example\/o","sub":"user\u002d1","aud":"api","client_id":"client-1","scope":"read write","exp":1767226200}`), allow)
	t.add("happy/route not matching the method", t.std(claims(nil)), allow, withRequest("GET", "/admin/users"))
	t.add("happy/route with its scope", t.esClaims(func(m map[string]any) { m["scope"] = "read admin" }),
		Want{Status: 200, Subject: "user-1", ClientID: "client-1", Scopes: "read admin"}, withRequest("POST", "/admin/users"))
	t.add("happy/query string ignored by routes", t.esClaims(func(m map[string]any) { m["scope"] = "read admin" }),
		Want{Status: 200, Subject: "user-1", ClientID: "client-1", Scopes: "read admin"}, withRequest("POST", "/admin?x=/../y"))
	t.add("happy/large token under the limit", t.esClaims(func(m map[string]any) { m["pad"] = strings.Repeat("x", 5000) }), allow)
	t.add("happy/no sub or client_id", t.esClaims(func(m map[string]any) { delete(m, "sub"); delete(m, "client_id") }),
		Want{Status: 200, Scopes: "read write"})
	t.add("happy/revocations of other tokens", t.std(claims(nil)), allow, withRevocations(`[{"jti":"other","exp":1767229200}]`))
}

func (t *table) bearer() {
	tok := t.std(claims(nil))
	t.add("bearer/no Authorization header", "", Want{Status: 401}, withAuthorization())
	t.add("bearer/empty Authorization header", "", Want{Status: 401}, withAuthorization(""))
	t.add("bearer/Basic scheme is no bearer token", "", Want{Status: 401}, withAuthorization("Basic dXNlcjpwYXNz"))
	t.add("bearer/scheme is case-insensitive", tok, allow, func(c *Case) { c.Authorization = []string{"bEaReR " + tok} })
	t.add("bearer/scheme without token", "", badRequest(descBadHeader), withAuthorization("Bearer"))
	t.add("bearer/scheme with only spaces", "", badRequest(descBadHeader), withAuthorization("Bearer    "))
	t.add("bearer/two tokens", "", badRequest(descBadHeader), withAuthorization("Bearer "+tok+" "+tok))
	t.add("bearer/JSON serialization", "", badRequest(descBadHeader), withAuthorization(`Bearer {"payload":"e30","signatures":[]}`))
	t.add("bearer/duplicated Authorization header", "", badRequest(descBadHeader), withAuthorization("Bearer "+tok, "Bearer "+tok))
	t.add("bearer/padding inside the token", "", badRequest(descBadHeader),
		withAuthorization("Bearer "+strings.Replace(tok, ".", "=.", 1)))
}

func (t *table) algorithms() {
	k := t.k
	body := claims(nil)
	for _, none := range []string{"none", "None", "NONE", "nOnE"} {
		h := `{"alg":"` + none + `","kid":"es256","typ":"at+jwt"}`
		t.add("alg/"+none+" without signature", compact(h, body, fixedSig(nil)), deny(descMalformed))
		t.add("alg/"+none+" with a signature", compact(h, body, signES256(k.es256)), deny(descAlg))
	}
	rsaPub := []byte(jwkRSA("rs256", "RS256", &k.rs256.PublicKey))
	t.add("alg/HS256 keyed with the RSA public JWK, HS256 not allowed",
		compact(header("HS256", "rs256"), body, signHS256(rsaPub)), deny(descAlg))
	t.add("alg/HS256 keyed with the RSA public JWK, HS256 allowed",
		compact(header("HS256", "rs256"), body, signHS256(rsaPub)), deny(descKeyMismatch), withPolicy(t.hs))
	t.add("alg/HS256 keyed with the RSA modulus, HS256 allowed",
		compact(header("HS256", "rs256"), body, signHS256(k.rs256.N.Bytes())), deny(descKeyMismatch), withPolicy(t.hs))
	t.add("alg/HS256 with the oct key but HS256 not allowed",
		compact(header("HS256", "hs256"), body, signHS256(k.hs256)), deny(descAlg))
	t.add("alg/lower-case es256", t.es(header("es256", "es256"), body), deny(descAlg))
	t.add("alg/ES384 not supported", t.es(header("ES384", "es256"), body), deny(descAlg))
	t.add("alg/Ed25519 (RFC 9864 name) not allowed", compact(header("Ed25519", "eddsa"), body, signEdDSA(k.eddsa)), deny(descAlg))
	t.add("alg/RS256 not in the policy", compact(header("RS256", "rs256"), body, signRS256(k.rs256)), deny(descAlg),
		withPolicy(policyDoc(map[string]any{"algorithms": []string{"ES256"}})))
	t.add("alg/alg not a string", t.es(`{"alg":["ES256"],"kid":"es256","typ":"at+jwt"}`, body), deny(descHeader))
	t.add("alg/missing", t.es(`{"kid":"es256","typ":"at+jwt"}`, body), deny(descHeader))
	t.add("alg/kid of an RSA key with ES256", t.es(header("ES256", "rs256"), body), deny(descKeyMismatch))
	t.add("alg/kid of an EdDSA key with ES256", t.es(header("ES256", "eddsa"), body), deny(descKeyMismatch))
	t.add("alg/RS256 on the PS256 key", compact(header("RS256", "ps256"), body, signRS256(k.ps256)), deny(descKeyMismatch))
	t.add("alg/PS256 on the RS256 key", compact(header("PS256", "rs256"), body, signPS256(k.rs256)), deny(descKeyMismatch))

	// Signature shapes.
	zero := make([]byte, 64)
	t.add("sig/psychic ECDSA r=s=0", compact(header("ES256", "es256"), body, fixedSig(zero)), deny(descSignature))
	n := p256N()
	t.add("sig/ECDSA r=s=n", compact(header("ES256", "es256"), body, fixedSig(append(append([]byte(nil), n...), n...))), deny(descSignature))
	t.add("sig/ECDSA DER-encoded", compact(header("ES256", "es256"), body, signES256DER(k.es256)), deny(descSignature))
	t.add("sig/ECDSA 63 bytes", compact(header("ES256", "es256"), body, func(in []byte) []byte { return signES256(k.es256)(in)[1:] }), deny(descSignature))
	t.add("sig/ECDSA with a trailing zero", compact(header("ES256", "es256"), body, func(in []byte) []byte { return append(signES256(k.es256)(in), 0) }), deny(descSignature))
	t.add("sig/flipped bit", compact(header("ES256", "es256"), body, func(in []byte) []byte { s := signES256(k.es256)(in); s[10] ^= 1; return s }), deny(descSignature))
	t.add("sig/EdDSA flipped bit", compact(header("EdDSA", "eddsa"), body, func(in []byte) []byte { s := signEdDSA(k.eddsa)(in); s[63] ^= 0x10; return s }), deny(descSignature))
	t.add("sig/RS256 truncated", compact(header("RS256", "rs256"), body, func(in []byte) []byte { return signRS256(k.rs256)(in)[1:] }), deny(descSignature))
	t.add("sig/HS256 wrong secret", compact(header("HS256", "hs256"), body, signHS256(make([]byte, 32))), deny(descSignature), withPolicy(t.hs))
	t.add("sig/foreign key with a known kid", compact(header("ES256", "es256"), body, signES256(k.foreign)), deny(descSignature))
	t.add("sig/payload swapped after signing", swapPayload(t.std(body), claims(func(m map[string]any) { m["scope"] = "read write admin" })), deny(descSignature))
}

func (t *table) headers() {
	k := t.k
	body := claims(nil)
	attacker := k.jwkES256("es256", &k.foreign.PublicKey)
	t.add("header/unknown crit", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","crit":["exp"],"exp":1}`, body), deny(descHeaderParam))
	t.add("header/empty crit", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","crit":[]}`, body), deny(descHeaderParam))
	t.add("header/crit b64", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","crit":["b64"],"b64":false}`, body), deny(descHeaderParam))
	t.add("header/jku", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","jku":"https://attacker.example/jwks.json"}`, body), deny(descHeaderParam))
	t.add("header/embedded jwk signed by it", compact(`{"alg":"ES256","kid":"es256","typ":"at+jwt","jwk":`+attacker+`}`, body, signES256(k.foreign)), deny(descHeaderParam))
	t.add("header/x5u", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","x5u":"https://attacker.example/cert.pem"}`, body), deny(descHeaderParam))
	t.add("header/x5c", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","x5c":["MIIB"]}`, body), deny(descHeaderParam))
	t.add("header/zip", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","zip":"DEF"}`, body), deny(descHeaderParam))
	t.add("header/unknown kid", t.es(header("ES256", "nope"), body), deny(descUnknownKey))
	t.add("header/missing kid", t.es(`{"alg":"ES256","typ":"at+jwt"}`, body), deny(descUnknownKey))
	t.add("header/empty kid", t.es(header("ES256", ""), body), deny(descUnknownKey))
	t.add("header/kid not a string", t.es(`{"alg":"ES256","kid":1,"typ":"at+jwt"}`, body), deny(descHeader))
	t.add("header/no keys loaded yet", t.std(body), deny(descUnknownKey), withoutKeys())
	t.add("header/duplicate alg", t.es(`{"alg":"none","alg":"ES256","kid":"es256","typ":"at+jwt"}`, body), deny(descHeader))
	t.add("header/duplicate kid via escape", t.es(`{"alg":"ES256","kid":"es256","\u006bid":"rs256","typ":"at+jwt"}`, body), deny(descHeader))
	t.add("header/not an object", t.es(`["ES256"]`, body), deny(descHeader))
	t.add("header/not JSON", t.es(`{"alg":"ES256",`, body), deny(descHeader))
	t.add("header/trailing data", t.es(header("ES256", "es256")+"x", body), deny(descHeader))
	t.add("header/invalid UTF-8", t.es("{\"alg\":\"ES256\",\"kid\":\"es256\",\"typ\":\"at+jwt\",\"x\":\"\xff\"}", body), deny(descHeader))
	t.add("header/lone surrogate", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt","x":"\ud800"}`, body), deny(descHeader))
	t.add("typ/OIDC ID token replayed as an access token", t.es(`{"alg":"ES256","kid":"es256","typ":"JWT"}`,
		claims(func(m map[string]any) {
			m["aud"] = Audience
			m["nonce"] = "n-0S6_WzA2Mj"
			m["auth_time"] = Now - 120
			delete(m, "scope")
		})), deny(descTyp))
	t.add("typ/missing", t.es(`{"alg":"ES256","kid":"es256"}`, body), deny(descTyp))
	t.add("typ/jwt", t.es(`{"alg":"ES256","kid":"es256","typ":"jwt"}`, body), deny(descTyp))
	t.add("typ/at+jwt with parameters", t.es(`{"alg":"ES256","kid":"es256","typ":"at+jwt; charset=utf-8"}`, body), deny(descTyp))
	t.add("typ/not a string", t.es(`{"alg":"ES256","kid":"es256","typ":1}`, body), deny(descHeader))
}

func (t *table) encoding() {
	tok := t.std(claims(nil))
	h, p, s := split3(tok)
	t.add("size/100 000 dots", strings.Repeat(".", 100000), deny(descTooLarge), func(c *Case) { c.Oversized = true })
	mib := b64.EncodeToString([]byte(`{"alg":"ES256","kid":"es256","typ":"at+jwt"}`)) + "." + strings.Repeat("A", 1<<20) + "." + s
	t.add("size/1 MiB token", mib, deny(descTooLarge), func(c *Case) { c.Oversized = true })
	t.add("size/just over max_token_bytes", t.esClaims(func(m map[string]any) { m["pad"] = strings.Repeat("x", 6200) }), deny(descTooLarge))
	t.add("segments/two", h+"."+p, deny(descMalformed))
	t.add("segments/four", tok+"."+s, deny(descMalformed))
	t.add("segments/five (JWE)", h+"."+p+"."+s+"."+s+"."+s, deny(descMalformed))
	t.add("segments/empty signature", h+"."+p+".", deny(descMalformed))
	t.add("segments/empty header", "."+p+"."+s, deny(descMalformed))
	t.add("segments/only dots", "..", deny(descMalformed))
	t.add("segments/no dots", h, deny(descMalformed))
	t.add("base64/padded signature", tok+"==", deny(descMalformed))
	t.add("base64/standard alphabet", h+"."+p+"."+toStd(s), deny(descMalformed))
	t.add("base64/non-canonical trailing bits", h+"."+p+"."+bumpLast(s), deny(descMalformed))
	t.add("base64/impossible length", h+"."+p+"."+s+strings.Repeat("A", (5-len(s)%4)%4), deny(descMalformed))
	t.add("base64/tilde in header", "~"+h[1:]+"."+p+"."+s, deny(descMalformed))
}

func (t *table) claimTypes() {
	body := claims(nil)
	dupExp := strings.Replace(body, `"exp":`, `"exp":1,"exp":`, 1)
	t.add("claims/duplicate exp", t.std(dupExp), deny(descClaims))
	t.add("claims/duplicate iss via escape", t.std(strings.Replace(body, `"iss":`, `"\u0069ss":"https://evil.example","iss":`, 1)), deny(descClaims))
	t.add("claims/duplicate in nested object", t.std(strings.Replace(body, `"iat":`, `"x":{"a":1,"a":2},"iat":`, 1)), deny(descClaims))
	t.add("claims/exp as a string", t.esClaims(func(m map[string]any) { m["exp"] = "1767226200" }), deny(descClaims))
	t.add("claims/exp null", t.esClaims(func(m map[string]any) { m["exp"] = nil }), deny(descClaims))
	t.add("claims/exp out of range", t.std(strings.Replace(body, `"exp":1767226200`, `"exp":1e300`, 1)), deny(descClaims))
	t.add("claims/nbf as a string", t.esClaims(func(m map[string]any) { m["nbf"] = "0" }), deny(descClaims))
	t.add("claims/iat as a bool", t.esClaims(func(m map[string]any) { m["iat"] = true }), deny(descClaims))
	t.add("claims/iss as a number", t.esClaims(func(m map[string]any) { m["iss"] = 1 }), deny(descClaims))
	t.add("claims/sub as an object", t.esClaims(func(m map[string]any) { m["sub"] = map[string]any{} }), deny(descClaims))
	t.add("claims/scope as an array", t.esClaims(func(m map[string]any) { m["scope"] = []string{"read"} }), deny(descClaims))
	t.add("claims/aud with a non-string", t.esClaims(func(m map[string]any) { m["aud"] = []any{Audience, 1} }), deny(descClaims))
	t.add("claims/aud as a number", t.esClaims(func(m map[string]any) { m["aud"] = 1 }), deny(descClaims))
	t.add("claims/jti as a number", t.esClaims(func(m map[string]any) { m["jti"] = 7 }), deny(descClaims))
	t.add("claims/sub with a newline", t.esClaims(func(m map[string]any) { m["sub"] = "user-1\r\nX-Auth-Scope: admin" }), deny(descClaims))
	t.add("claims/payload is an array", t.std(`[`+body+`]`), deny(descClaims))
	t.add("claims/payload is a string", t.std(`"foo"`), deny(descClaims))
	t.add("claims/payload is not JSON", t.std(`foo`), deny(descClaims))
	t.add("claims/empty payload", t.std(``), deny(descClaims))
	t.add("claims/trailing data", t.std(body+`{}`), deny(descClaims))
	t.add("claims/invalid UTF-8", t.std(strings.Replace(body, `"user-1"`, "\"user-\xc0\xaf\"", 1)), deny(descClaims))
	t.add("claims/nested too deep", t.esClaims(func(m map[string]any) {
		m["deep"] = json.RawMessage(strings.Repeat("[", 40) + strings.Repeat("]", 40))
	}), deny(descClaims))
	t.add("claims/cnf (sender-constrained)", t.esClaims(func(m map[string]any) {
		m["cnf"] = map[string]string{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
	}), deny(descBound))
}

func (t *table) times() {
	t.add("time/expired", t.esClaims(func(m map[string]any) { m["exp"] = Now - 3600 }), deny(descExpired))
	t.add("time/expired at the leeway boundary", t.esClaims(func(m map[string]any) { m["exp"] = Now - 60 }), deny(descExpired))
	t.add("time/missing exp", t.esClaims(func(m map[string]any) { delete(m, "exp") }), deny(descNoExpiry))
	t.add("time/nbf in the future", t.esClaims(func(m map[string]any) { m["nbf"] = Now + 3600 }), deny(descNotYet))
	t.add("time/nbf just beyond leeway", t.esClaims(func(m map[string]any) { m["nbf"] = Now + 61 }), deny(descNotYet))
	t.add("time/iat in the future", t.esClaims(func(m map[string]any) { m["iat"] = Now + 120 }), deny(descFuture))
	t.add("time/no leeway", t.esClaims(func(m map[string]any) { m["exp"] = Now - 1 }), deny(descExpired),
		withPolicy(policyDoc(map[string]any{"leeway_seconds": 0})))
	t.add("time/host clock far ahead", t.std(claims(nil)), deny(descExpired), func(c *Case) { c.Now = Now + 86400 })
}

func (t *table) identity() {
	t.add("iss/wrong", t.esClaims(func(m map[string]any) { m["iss"] = "https://evil.example/o" }), deny(descIssuer))
	t.add("iss/trailing slash", t.esClaims(func(m map[string]any) { m["iss"] = Issuer + "/" }), deny(descIssuer))
	t.add("iss/different case", t.esClaims(func(m map[string]any) { m["iss"] = strings.ToUpper(Issuer) }), deny(descIssuer))
	t.add("iss/missing", t.esClaims(func(m map[string]any) { delete(m, "iss") }), deny(descIssuer))
	t.add("aud/array without ours", t.esClaims(func(m map[string]any) { m["aud"] = []string{"other", "api2"} }), deny(descAudience))
	t.add("aud/empty array", t.esClaims(func(m map[string]any) { m["aud"] = []string{} }), deny(descAudience))
	t.add("aud/different case", t.esClaims(func(m map[string]any) { m["aud"] = "API" }), deny(descAudience))
	t.add("aud/missing", t.esClaims(func(m map[string]any) { delete(m, "aud") }), deny(descAudience))
	t.add("revoked/jti in the feed", t.std(claims(nil)), deny(descRevoked),
		withRevocations(`[{"jti":"other","exp":1767229200},{"jti":"jti-1","exp":1767226200}]`))
}

func (t *table) scopes() {
	t.add("scope/missing the policy scope", t.esClaims(func(m map[string]any) { m["scope"] = "write" }), forbidden("read"))
	t.add("scope/no scope claim", t.esClaims(func(m map[string]any) { delete(m, "scope") }), forbidden("read"))
	t.add("scope/prefix of a scope is not the scope", t.esClaims(func(m map[string]any) { m["scope"] = "reader write" }), forbidden("read"))
	t.add("scope/route requires admin", t.std(claims(nil)), forbidden("read admin"), withRequest("POST", "/admin/users"))
	t.add("scope/route base path", t.std(claims(nil)), forbidden("read admin"), withRequest("POST", "/admin"))
	t.add("scope/route not matching a longer name", t.std(claims(nil)), allow, withRequest("POST", "/administrator"))
	t.add("scope/route behind a path parameter", t.std(claims(nil)), forbidden("read admin"), withRequest("POST", "/admin;jsessionid=1/users"))
	t.add("path/dot-dot segment with routes", t.esClaims(func(m map[string]any) { m["scope"] = "read admin" }), badRequest(descBadPath), withRequest("POST", "/public/../admin/x"))
	t.add("path/dot-dot with a path parameter", t.esClaims(func(m map[string]any) { m["scope"] = "read admin" }), badRequest(descBadPath), withRequest("POST", "/public/..;/admin/x"))
	t.add("path/double slash with routes", t.std(claims(nil)), badRequest(descBadPath), withRequest("POST", "//admin/x"))
	t.add("path/encoded slash with routes", t.std(claims(nil)), badRequest(descBadPath), withRequest("POST", "/admin%2Fx"))
	t.add("path/encoded unreserved letter with routes", t.std(claims(nil)), badRequest(descBadPath), withRequest("POST", "/%61dmin/x"))
	t.add("path/encoded dot with routes", t.std(claims(nil)), badRequest(descBadPath), withRequest("POST", "/x/%2e%2e/admin"))
	t.add("path/dot-dot without routes is the upstream's business", t.std(claims(nil)), allow, withRequest("POST", "/a/../b"),
		withPolicy(policyDoc(map[string]any{"routes": nil})))
}

// Helpers.

func split3(tok string) (h, p, s string) {
	parts := strings.Split(tok, ".")
	return parts[0], parts[1], parts[2]
}

func swapPayload(tok, payload string) string {
	h, _, s := split3(tok)
	return h + "." + b64.EncodeToString([]byte(payload)) + "." + s
}

// toStd rewrites base64url to the standard alphabet, making sure at least one
// character changes.
func toStd(s string) string {
	r := strings.NewReplacer("-", "+", "_", "/").Replace(s)
	if r == s {
		r = "+" + s[1:]
	}
	return r
}

// bumpLast sets an unused low bit of the last character, which a lenient
// decoder ignores.
func bumpLast(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, s[len(s)-1])
	switch len(s) % 4 {
	case 2:
		last |= 0x01
	case 3:
		last |= 0x01
	default:
		// No unused bits: make the length 2 mod 4 by appending "AB".
		return s + "AB"
	}
	return s[:len(s)-1] + alphabet[last:last+1]
}

func p256N() []byte {
	return []byte{
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	}
}
