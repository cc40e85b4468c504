package issuer

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzFlowEndpoints drives the token, revocation and introspection
// endpoints with arbitrary Authorization headers and bodies against a real
// store holding live tokens. Whatever comes in: no 500 (nor a recovered
// panic), a JSON body except revocation's empty 200, and never-cached
// answers.
func FuzzFlowEndpoints(f *testing.F) {
	h := newFlowHarness(f, Config{})
	tk := h.redeem(f, codeOpts{})
	web := h.clients["web"]
	auth := basic(web.ID, web.secret)
	for _, path := range []uint8{0, 1, 2} {
		f.Add(path, auth, "grant_type=refresh_token&refresh_token="+tk.Refresh)
		f.Add(path, auth, "token="+tk.Access+"&token_type_hint=access_token")
		f.Add(path, "Bearer "+tk.Access, "token="+tk.Refresh)
		f.Add(path, auth, "grant_type=authorization_code&code=x&code_verifier="+testVerifier)
		f.Add(path, auth, "grant_type=password&username=alice&password=x&scope=read")
		f.Add(path, "", "client_id=spa&token="+url.QueryEscape(tk.IDToken))
		f.Add(path, "Bearer a.b.c", "token=%zz")
	}
	handler := h.srv.Handler()
	paths := []string{"/o/token/", "/o/revoke_token/", "/o/introspect/"}
	f.Fuzz(func(t *testing.T, path uint8, authorization, body string) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod(fasthttp.MethodPost)
		p := paths[int(path)%len(paths)]
		ctx.Request.URI().SetPath(p)
		ctx.Request.Header.SetContentType(formContentType)
		if authorization != "" {
			ctx.Request.Header.Set(fasthttp.HeaderAuthorization, authorization)
		}
		ctx.Request.SetBodyString(body)
		handler(&ctx)
		status := ctx.Response.StatusCode()
		out := ctx.Response.Body()
		switch status {
		case 200, 400, 401, 413, 429:
		default:
			t.Fatalf("%s: status %d: %s", p, status, out)
		}
		if string(ctx.Response.Header.Peek(fasthttp.HeaderCacheControl)) != "no-store" {
			t.Fatalf("%s: %d without Cache-Control: no-store", p, status)
		}
		if p == "/o/revoke_token/" && status == 200 {
			if len(out) != 0 {
				t.Fatalf("revocation 200 with a body %q", out)
			}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s: status %d, body not JSON: %q", p, status, out)
		}
		if status == 200 && p == "/o/introspect/" && m["active"] == false && len(m) != 1 {
			t.Fatalf("inactive answer with more members: %s", out)
		}
	})
}
