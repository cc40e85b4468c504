package issuer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/valyala/fasthttp"
)

// verified is an access token checked by golang-jwt against the fake
// signer's public key: an implementation independent of this package.
type verified struct {
	header map[string]any
	claims jwt.MapClaims
}

func verifyToken(t testing.TB, h *harness, tok string) verified {
	t.Helper()
	parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return &h.signer.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithTimeFunc(h.clock.Now),
		jwt.WithIssuer("http://127.0.0.1:9000/o"), jwt.WithIssuedAt())
	if err != nil {
		t.Fatalf("token does not verify: %v\n%s", err, tok)
	}
	return verified{header: parsed.Header, claims: parsed.Claims.(jwt.MapClaims)}
}

// tokenOK asserts a §5.1 success response and returns its members.
func tokenOK(t testing.TB, r response) map[string]any {
	t.Helper()
	if r.status != fasthttp.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
	}
	if ct := r.header["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if r.header["Cache-Control"] != "no-store" || r.header["Pragma"] != "no-cache" {
		t.Errorf("Cache-Control = %q, Pragma = %q; want no-store, no-cache", r.header["Cache-Control"], r.header["Pragma"])
	}
	m := r.json(t)
	if m["token_type"] != "Bearer" {
		t.Errorf("token_type = %v", m["token_type"])
	}
	if _, ok := m["access_token"].(string); !ok {
		t.Fatalf("no access_token in %s", r.body)
	}
	return m
}

func TestTokenClientSecretBasic(t *testing.T) {
	h := newHarness(t, Config{})
	m := tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials&scope=read+write"}))
	if m["expires_in"] != json.Number("3600") || m["scope"] != "read write" {
		t.Errorf("expires_in = %v, scope = %v", m["expires_in"], m["scope"])
	}
	if len(m) != 4 {
		t.Errorf("response has %d members, want 4: %v", len(m), m)
	}

	v := verifyToken(t, h, m["access_token"].(string))
	if v.header["typ"] != "at+jwt" || v.header["kid"] != h.signer.kid || v.header["alg"] != "ES256" {
		t.Errorf("header = %v", v.header)
	}
	iat := testNow.Unix()
	want := map[string]any{
		"iss": "http://127.0.0.1:9000/o", "sub": svcID, "aud": "http://127.0.0.1:9000/o",
		"client_id": svcID, "scope": "read write",
		"iat": float64(iat), "nbf": float64(iat), "exp": float64(iat + 3600),
	}
	for k, w := range want {
		if v.claims[k] != w {
			t.Errorf("claim %s = %v (%T), want %v", k, v.claims[k], v.claims[k], w)
		}
	}
	jti, _ := v.claims["jti"].(string)
	if raw, err := base64.RawURLEncoding.DecodeString(jti); err != nil || len(raw) < 16 {
		t.Errorf("jti %q: want ≥ 128 bits of base64url (%v)", jti, err)
	}
	if len(v.claims) != len(want)+1 {
		t.Errorf("claims = %v, want exactly %d", v.claims, len(want)+1)
	}
}

func TestTokenClientSecretPost(t *testing.T) {
	h := newHarness(t, Config{})
	body := url.Values{"grant_type": {"client_credentials"}, "client_id": {svcID}, "client_secret": {svcSecret}, "scope": {"admin"}}
	m := tokenOK(t, h.do(t, request{body: body.Encode()}))
	v := verifyToken(t, h, m["access_token"].(string))
	if v.claims["sub"] != svcID || v.claims["scope"] != "admin" {
		t.Errorf("claims = %v", v.claims)
	}
}

func TestTokenJTIUnique(t *testing.T) {
	h := newHarness(t, Config{})
	seen := map[string]bool{}
	for range 20 {
		m := tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}))
		jti := verifyToken(t, h, m["access_token"].(string)).claims["jti"].(string)
		if seen[jti] {
			t.Fatalf("jti %s repeated", jti)
		}
		seen[jti] = true
	}
}

func TestTokenBasicFormDecoding(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		name string
		auth string
	}{
		// RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic.
		{"encoded", basic(weirdID, weirdSecet)},
		// %20 and + both decode to a space.
		{"percent-20 space", rawBasic(strings.ReplaceAll(formEncode(weirdID), "+", "%20") + ":" + formEncode(weirdSecet))},
		// Lower-case scheme and hex digits, extra spaces, no base64 padding.
		{"lenient framing", "basic   " + strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(strings.ToLower(formEncode(weirdID))+":"+formEncode(weirdSecet))), "=")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tokenOK(t, h.do(t, request{auth: tt.auth, body: "grant_type=client_credentials"}))
			if sub := verifyToken(t, h, m["access_token"].(string)).claims["sub"]; sub != weirdID {
				t.Errorf("sub = %q, want %q", sub, weirdID)
			}
		})
	}
	// Secrets without reserved characters need no encoding, so clients that
	// skip the step still work; a raw '%' does not decode and is refused.
	tokenOK(t, h.do(t, request{auth: rawBasic(svcID + ":" + svcSecret), body: "grant_type=client_credentials"}))
	wantError(t, h.do(t, request{auth: rawBasic(weirdID + ":" + weirdSecet), body: "grant_type=client_credentials"}), 401, CodeInvalidClient)
}

// TestTokenErrors covers each RFC 6749 §5.2 error the client_credentials
// grant can produce, and the request-shape errors before it.
func TestTokenErrors(t *testing.T) {
	h := newHarness(t, Config{})
	h.srv.grants["urn:test:bad-grant"] = func(*Server, *fasthttp.RequestCtx, *form, *store.Client, string) *Error {
		return &Error{Code: CodeInvalidGrant, Description: "grant is invalid"}
	}
	good := basic(svcID, svcSecret)
	cc := "grant_type=client_credentials"
	tests := []struct {
		name     string
		req      request
		status   int
		code     string
		wwwAuth  bool // WWW-Authenticate: Basic expected
		descHave string
	}{
		// invalid_request
		{name: "missing grant_type", req: request{auth: good, body: "scope=read"}, status: 400, code: CodeInvalidRequest},
		{name: "empty grant_type", req: request{auth: good, body: "grant_type="}, status: 400, code: CodeInvalidRequest},
		{name: "repeated grant_type", req: request{auth: good, body: cc + "&" + cc}, status: 400, code: CodeInvalidRequest, descHave: "grant_type"},
		{name: "repeated scope", req: request{auth: good, body: cc + "&scope=read&scope=write"}, status: 400, code: CodeInvalidRequest, descHave: "scope"},
		{name: "repeated client_id", req: request{body: cc + "&client_id=svc&client_id=svc&client_secret=" + svcSecret}, status: 400, code: CodeInvalidRequest, descHave: "client_id"},
		{name: "repeated client_secret", req: request{body: cc + "&client_id=svc&client_secret=" + svcSecret + "&client_secret=" + svcSecret}, status: 400, code: CodeInvalidRequest, descHave: "client_secret"},
		{name: "repeated empty scope", req: request{auth: good, body: cc + "&scope=&scope="}, status: 400, code: CodeInvalidRequest},
		{name: "basic and post together", req: request{auth: good, body: cc + "&client_id=svc&client_secret=" + svcSecret}, status: 400, code: CodeInvalidRequest},
		{name: "two Authorization headers", req: request{auth: good, auth2: basic("custom", "custom-secret"), body: cc}, status: 400, code: CodeInvalidRequest, descHave: "Authorization"},
		{name: "basic with other client_id", req: request{auth: good, body: cc + "&client_id=custom"}, status: 400, code: CodeInvalidRequest},
		{name: "content type json", req: request{auth: good, contentType: "application/json", body: `{"grant_type":"client_credentials"}`}, status: 400, code: CodeInvalidRequest, descHave: "Content-Type"},
		{name: "content type missing", req: request{auth: good, contentType: "none", body: cc}, status: 400, code: CodeInvalidRequest},
		{name: "content type multipart", req: request{auth: good, contentType: "multipart/form-data; boundary=x", body: "--x--"}, status: 400, code: CodeInvalidRequest},
		{name: "malformed percent", req: request{auth: good, body: cc + "&scope=%zz"}, status: 400, code: CodeInvalidRequest, descHave: "encoding"},
		{name: "truncated percent", req: request{auth: good, body: cc + "&scope=read%2"}, status: 400, code: CodeInvalidRequest},
		{name: "percent in name", req: request{auth: good, body: cc + "&sc%g0pe=read"}, status: 400, code: CodeInvalidRequest},
		{name: "invalid utf-8", req: request{auth: good, body: cc + "&scope=%C3%28"}, status: 400, code: CodeInvalidRequest},
		{name: "too many parameters", req: request{auth: good, body: cc + strings.Repeat("&x=1", maxFormParams)}, status: 400, code: CodeInvalidRequest},
		{name: "secret in query", req: request{path: "/o/token/?client_secret=" + svcSecret, body: cc + "&client_id=svc"}, status: 400, code: CodeInvalidRequest},
		{name: "oversize body", req: request{raw: true, auth: good, body: cc + "&pad=" + strings.Repeat("a", DefaultMaxBodyBytes)}, status: 413, code: CodeInvalidRequest},
		{name: "GET", req: request{method: "GET", auth: good}, status: 405, code: CodeInvalidRequest},
		{name: "PUT", req: request{method: "PUT", auth: good, body: cc}, status: 405, code: CodeInvalidRequest},

		// invalid_client
		{name: "no authentication", req: request{body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "unknown client basic", req: request{auth: basic("nobody", "x"), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "unknown client post", req: request{body: cc + "&client_id=nobody&client_secret=x"}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "wrong secret basic", req: request{auth: basic(svcID, "wrong"), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "wrong secret post", req: request{body: cc + "&client_id=svc&client_secret=wrong"}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "empty secret basic", req: request{auth: basic(svcID, ""), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "secret without client_id", req: request{body: cc + "&client_secret=" + svcSecret}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "confidential client without secret", req: request{body: cc + "&client_id=svc"}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "basic without colon", req: request{auth: rawBasic("svc"), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "basic bad base64", req: request{auth: "Basic !!!not-base64", body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "basic empty", req: request{auth: "Basic ", body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "basic malformed encoding", req: request{auth: rawBasic("svc:%zz"), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "bearer scheme", req: request{auth: "Bearer abc", body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},
		{name: "public client with secret", req: request{auth: basic("spa", "anything"), body: cc}, status: 401, code: CodeInvalidClient, wwwAuth: true},

		// unauthorized_client
		{name: "grant not allowed", req: request{auth: basic("webapp", "webapp-secret"), body: cc}, status: 400, code: CodeUnauthorizedClient},
		{name: "public client", req: request{body: cc + "&client_id=spa"}, status: 400, code: CodeUnauthorizedClient},

		// unsupported_grant_type
		{name: "unknown grant", req: request{auth: good, body: "grant_type=urn:example:nope"}, status: 400, code: CodeUnsupportedGrantType},

		// invalid_scope
		{name: "scope not allowed", req: request{auth: good, body: cc + "&scope=read+delete"}, status: 400, code: CodeInvalidScope, descHave: "delete"},
		{name: "scope with quote", req: request{auth: good, body: cc + "&scope=%22read%22"}, status: 400, code: CodeInvalidScope},
		{name: "scope with control", req: request{auth: good, body: cc + "&scope=read%09write"}, status: 400, code: CodeInvalidScope},
		{name: "scope for scopeless client", req: request{auth: basic("noscope", "noscope-secret"), body: cc + "&scope=read"}, status: 400, code: CodeInvalidScope},

		// invalid_grant: no client_credentials request can earn it; a grant
		// returning it reaches the client unchanged.
		{name: "grant error passes through", req: request{auth: good, body: "grant_type=urn:test:bad-grant"}, status: 400, code: CodeInvalidGrant},

		// server_error: a client whose alg the signer lacks is a server
		// misconfiguration, not bad input.
		{name: "signer lacks client alg", req: request{auth: basic("rs256only", "rs256only-secret"), body: cc}, status: 500, code: CodeServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(t, tt.req)
			wantError(t, r, tt.status, tt.code)
			if got := r.header["Www-Authenticate"]; (got != "") != tt.wwwAuth || (tt.wwwAuth && !strings.HasPrefix(got, `Basic realm="`)) {
				t.Errorf("WWW-Authenticate = %q, want present=%v", got, tt.wwwAuth)
			}
			if tt.status == 405 && r.header["Allow"] != "POST" {
				t.Errorf("Allow = %q, want POST", r.header["Allow"])
			}
			if tt.descHave != "" && !strings.Contains(r.json(t)["error_description"].(string), tt.descHave) {
				t.Errorf("error_description %q lacks %q", r.json(t)["error_description"], tt.descHave)
			}
		})
	}
}

// TestTokenOversizeBodyInHandler checks the handler's own limit, which
// holds when Handler is mounted on a server with a larger one.
func TestTokenOversizeBodyInHandler(t *testing.T) {
	h := newHarness(t, Config{MaxBodyBytes: 100})
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI("/o/token/")
	ctx.Request.Header.SetContentType(formContentType)
	ctx.Request.Header.Set("Authorization", basic(svcID, svcSecret))
	ctx.Request.SetBodyString("grant_type=client_credentials&pad=" + strings.Repeat("a", 100))
	h.srv.Handler()(&ctx)
	if ctx.Response.StatusCode() != fasthttp.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, body %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	if !strings.Contains(string(ctx.Response.Body()), `"error":"invalid_request"`) {
		t.Errorf("body = %s", ctx.Response.Body())
	}
}

// TestTokenOversizeBodyAtServer checks the limit fasthttp enforces while
// reading, before any handler runs: still a JSON 413.
func TestTokenOversizeBodyAtServer(t *testing.T) {
	h := newHarness(t, Config{MaxBodyBytes: 1024})
	r := h.do(t, request{raw: true, auth: basic(svcID, svcSecret), body: "grant_type=client_credentials&pad=" + strings.Repeat("a", 2048)})
	wantError(t, r, fasthttp.StatusRequestEntityTooLarge, CodeInvalidRequest)
	// Just under the limit is fine.
	body := "grant_type=client_credentials&pad="
	tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), body: body + strings.Repeat("a", 1024-len(body))}))
}

func TestTokenFormLeniency(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct{ name, contentType, body string }{
		{"charset parameter", "application/x-www-form-urlencoded; charset=UTF-8", "grant_type=client_credentials"},
		{"upper-case media type", "Application/X-WWW-Form-URLEncoded", "grant_type=client_credentials"},
		{"empty pairs", "", "&&grant_type=client_credentials&&"},
		{"unknown parameters ignored", "", "grant_type=client_credentials&foo=1&foo=2&bar"},
		{"percent-encoded grant", "", "grant_type=client%5Fcredentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), contentType: tt.contentType, body: tt.body}))
		})
	}
}

func TestTokenScope(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		name    string
		client  string
		request string // scope parameter; "" = omitted
		want    string // granted; "" = no scope member
	}{
		{"default is all allowed", svcID, "", "read write admin"},
		{"subset", svcID, "write", "write"},
		{"subset keeps request order", svcID, "admin read", "admin read"},
		{"duplicates collapse", svcID, "read read write", "read write"},
		{"extra spaces normalised", svcID, "  read   write ", "read write"},
		{"empty value means omitted", svcID, "&scope=", "read write admin"},
		{"scopeless client gets no scope", "noscope", "", ""},
	}
	secrets := map[string]string{svcID: svcSecret, "noscope": "noscope-secret"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "grant_type=client_credentials"
			switch {
			case strings.HasPrefix(tt.request, "&"):
				body += tt.request
			case tt.request != "":
				body += "&scope=" + url.QueryEscape(tt.request)
			}
			m := tokenOK(t, h.do(t, request{auth: basic(tt.client, secrets[tt.client]), body: body}))
			claims := verifyToken(t, h, m["access_token"].(string)).claims
			if tt.want == "" {
				if _, ok := m["scope"]; ok {
					t.Errorf("response scope = %v, want none", m["scope"])
				}
				if _, ok := claims["scope"]; ok {
					t.Errorf("claim scope = %v, want none", claims["scope"])
				}
				return
			}
			if m["scope"] != tt.want || claims["scope"] != tt.want {
				t.Errorf("scope: response %v, claim %v, want %q", m["scope"], claims["scope"], tt.want)
			}
		})
	}
}

func TestTokenPerClientSettings(t *testing.T) {
	h := newHarness(t, Config{Audience: []string{"api"}, AccessTokenTTL: 30 * time.Minute, MaxAccessTokenTTL: 2 * time.Hour})
	tests := []struct {
		name, client, secret string
		aud                  any
		ttl                  int64
	}{
		{"issuer defaults", svcID, svcSecret, "api", 1800},
		{"client audience and ttl", "custom", "custom-secret", []any{"api2", "api3"}, 600},
		{"ttl capped", "longttl", "longttl-secret", "api", 7200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tokenOK(t, h.do(t, request{auth: basic(tt.client, tt.secret), body: "grant_type=client_credentials"}))
			if m["expires_in"] != json.Number(jsonInt(tt.ttl)) {
				t.Errorf("expires_in = %v, want %d", m["expires_in"], tt.ttl)
			}
			c := verifyToken(t, h, m["access_token"].(string)).claims
			if exp := c["exp"].(float64) - c["iat"].(float64); int64(exp) != tt.ttl {
				t.Errorf("exp - iat = %v, want %d", exp, tt.ttl)
			}
			got, _ := json.Marshal(c["aud"])
			want, _ := json.Marshal(tt.aud)
			if string(got) != string(want) {
				t.Errorf("aud = %s, want %s", got, want)
			}
		})
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestTokenSignerFailure(t *testing.T) {
	h := newHarness(t, Config{})
	h.signer.fail.Store(true)
	r := h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"})
	wantError(t, r, 500, CodeServerError)
	if !strings.Contains(h.log.String(), "failing on purpose") {
		t.Errorf("signer failure not logged: %s", h.log.String())
	}
}

func TestTokenStoreFailure(t *testing.T) {
	h := newHarness(t, Config{})
	h.clients.mu.Lock()
	h.clients.err = store.ErrClosed
	h.clients.mu.Unlock()
	wantError(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}), 500, CodeServerError)
}

func TestIsCompactJWS(t *testing.T) {
	tests := []struct {
		tok  string
		want bool
	}{
		{"aGVhZA.cGF5bG9hZA.c2ln", true},
		{"a.b", false},
		{"a.b.c.d", false},
		{`a.b".c`, false},
		{"a.b.c\n", false},
	}
	for _, tt := range tests {
		if got := isCompactJWS([]byte(tt.tok)); got != tt.want {
			t.Errorf("isCompactJWS(%q) = %v, want %v", tt.tok, got, tt.want)
		}
	}
}
