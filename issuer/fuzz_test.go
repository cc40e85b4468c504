package issuer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// FuzzTokenRequest drives the token endpoint's handler with arbitrary
// Content-Type, Authorization, query and body. Whatever comes in, the
// answer is a well-formed §5.1 or §5.2 response with a 2xx/4xx status —
// never a 500, which is also what a recovered panic would produce.
func FuzzTokenRequest(f *testing.F) {
	clients := testClients()
	delete(clients, "rs256only") // a deliberate server misconfiguration (500)
	signer := newFakeSigner(f)
	srv, err := New(Config{
		Now:             func() time.Time { return testNow },
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		ClientRateLimit: RateLimit{Rate: 1e9, Burst: 1e9},
		AddrRateLimit:   RateLimit{Rate: 1e9, Burst: 1e9},
	}, newFakeStore(f, &fakeClients{m: clients}), signer)
	if err != nil {
		f.Fatal(err)
	}
	handler := srv.Handler()

	form := formContentType
	f.Add(form, basic(svcID, svcSecret), "", "grant_type=client_credentials&scope=read")
	f.Add(form, "", "", "grant_type=client_credentials&client_id=svc&client_secret="+svcSecret)
	f.Add(form, basic(weirdID, weirdSecet), "", "grant_type=client_credentials")
	f.Add(form, rawBasic("svc:%zz"), "", "grant_type=client_credentials")
	f.Add(form, "", "client_secret=x", "grant_type=client_credentials&client_id=spa")
	f.Add(form, basic(svcID, svcSecret), "", "grant_type=client_credentials&grant_type=x")
	f.Add("text/plain", "", "", "%")
	f.Add(form+"; charset=utf-8", "Basic Og==", "", "scope=%22&grant_type=client_credentials")

	codes := map[string]bool{CodeInvalidRequest: true, CodeInvalidClient: true, CodeUnauthorizedClient: true,
		CodeUnsupportedGrantType: true, CodeInvalidScope: true, CodeInvalidGrant: true}
	f.Fuzz(func(t *testing.T, contentType, auth, query, body string) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(fasthttp.MethodPost)
		ctx.Request.URI().SetPath("/o/token/")
		ctx.Request.URI().SetQueryString(query)
		ctx.Request.Header.SetContentType(contentType)
		if auth != "" {
			ctx.Request.Header.Set(fasthttp.HeaderAuthorization, auth)
		}
		ctx.Request.SetBodyString(body)
		handler(&ctx)

		status := ctx.Response.StatusCode()
		out := ctx.Response.Body()
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("status %d, body not JSON: %v: %q", status, err, out)
		}
		if string(ctx.Response.Header.Peek(fasthttp.HeaderCacheControl)) != "no-store" {
			t.Fatalf("no Cache-Control: no-store on %d", status)
		}
		switch status {
		case 200:
			checkIssued(t, m)
		case 400, 401, 413:
			code, _ := m["error"].(string)
			if !codes[code] {
				t.Fatalf("status %d, error %q: %s", status, code, out)
			}
			if desc, _ := m["error_description"].(string); strings.ContainsAny(desc, "\"\\") || !isPrintableASCII(desc) {
				t.Fatalf("error_description outside §5.2's character set: %q", desc)
			}
			if (status == 401) != (code == CodeInvalidClient) {
				t.Fatalf("status %d with %s", status, code)
			}
			if status == 401 && len(ctx.Response.Header.Peek(fasthttp.HeaderWWWAuthenticate)) == 0 {
				t.Fatal("401 without WWW-Authenticate")
			}
		default:
			t.Fatalf("status %d: %s", status, out)
		}
	})
}

// checkIssued checks a fuzzed success: only a known confidential client
// with client_credentials can get here, and the claims are valid JSON.
func checkIssued(t *testing.T, m map[string]any) {
	t.Helper()
	tok, _ := m["access_token"].(string)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("access_token %q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&claims); err != nil {
		t.Fatalf("claims not JSON: %v: %s", err, payload)
	}
	switch claims["sub"] {
	case svcID, weirdID, "noscope", "custom", "longttl":
	default:
		t.Fatalf("token for %v", claims["sub"])
	}
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
