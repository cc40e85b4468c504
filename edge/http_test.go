package edge

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// echoAuth is the upstream: it reports the X-Auth-* headers it received.
func echoAuth(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	for _, k := range []string{"X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope", "X-Auth-Admin"} {
		b.WriteString(k + "=" + strings.Join(r.Header.Values(k), "|") + "\n")
	}
	_, _ = w.Write([]byte(b.String()))
}

// edgeCase is one request through a middleware and what must come back.
type edgeCase struct {
	name       string
	header     http.Header // request headers
	method     string
	path       string
	wantStatus int
	wantAuth   string // WWW-Authenticate: exact, or a prefix when ending in "…"
	wantBody   string // for 200: the upstream's echo
}

func edgeCases(t *testing.T, key, stranger *testKey) []edgeCase {
	tok := string(key.sign(t, claims("alice", "read")))
	realm := `Bearer realm="https://issuer.test/o"`
	return []edgeCase{
		{
			name:   "allowed: claims forwarded, forged X-Auth-* stripped",
			header: http.Header{"Authorization": {"Bearer " + tok}, "X-Auth-Subject": {"root"}, "X-Auth-Admin": {"yes"}},
			method: "GET", path: "/things", wantStatus: 200,
			wantBody: "X-Auth-Subject=alice\nX-Auth-Client-Id=client-alice\nX-Auth-Scope=read\nX-Auth-Admin=\n",
		},
		{
			name:   "no token",
			method: "GET", path: "/things", wantStatus: 401, wantAuth: realm,
		},
		{
			name:   "another scheme: no bearer token",
			header: http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}},
			method: "GET", path: "/things", wantStatus: 401, wantAuth: realm,
		},
		{
			name:   "bad Authorization header",
			header: http.Header{"Authorization": {"Bearer a b"}},
			method: "GET", path: "/things", wantStatus: 400, wantAuth: realm + `, error="invalid_request"…`,
		},
		{
			name:   "two Authorization headers",
			header: http.Header{"Authorization": {"Bearer " + tok, "Bearer " + tok}},
			method: "GET", path: "/things", wantStatus: 400, wantAuth: realm + `, error="invalid_request"…`,
		},
		{
			name:   "bad token",
			header: http.Header{"Authorization": {"Bearer " + string(stranger.sign(t, claims("eve", "read")))}},
			method: "GET", path: "/things", wantStatus: 401, wantAuth: realm + `, error="invalid_token", error_description="…`,
		},
		{
			name:   "insufficient scope",
			header: http.Header{"Authorization": {"Bearer " + tok}},
			method: "POST", path: "/admin/users", wantStatus: 403, wantAuth: realm + `, error="insufficient_scope", error_description="insufficient scope", scope="read admin"`,
		},
		{
			name:   "route dodged with a dot-dot segment",
			header: http.Header{"Authorization": {"Bearer " + tok}},
			method: "POST", path: "/public/../admin/users", wantStatus: 400, wantAuth: realm + `, error="invalid_request", error_description="non-canonical request path"`,
		},
		{
			name:   "route dodged with an encoded slash",
			header: http.Header{"Authorization": {"Bearer " + tok}},
			method: "POST", path: "/admin%2Fusers", wantStatus: 400, wantAuth: realm + `, error="invalid_request", error_description="non-canonical request path"`,
		},
	}
}

func checkResponse(t *testing.T, tc edgeCase, status int, wwwAuth []string, body string) {
	t.Helper()
	if status != tc.wantStatus {
		t.Fatalf("status %d, want %d (WWW-Authenticate %q, body %q)", status, tc.wantStatus, wwwAuth, body)
	}
	if tc.wantStatus == 200 {
		if len(wwwAuth) != 0 {
			t.Errorf("WWW-Authenticate on success: %q", wwwAuth)
		}
		if body != tc.wantBody {
			t.Errorf("upstream saw\n%s\nwant\n%s", body, tc.wantBody)
		}
		return
	}
	if len(wwwAuth) != 1 {
		t.Fatalf("WWW-Authenticate = %q, want one", wwwAuth)
	}
	if want, ok := strings.CutSuffix(tc.wantAuth, "…"); ok {
		if !strings.HasPrefix(wwwAuth[0], want) {
			t.Errorf("WWW-Authenticate = %s, want prefix %s", wwwAuth[0], want)
		}
	} else if wwwAuth[0] != tc.wantAuth {
		t.Errorf("WWW-Authenticate = %s, want %s", wwwAuth[0], tc.wantAuth)
	}
	if strings.Contains(body, "X-Auth") {
		t.Error("denied request reached the upstream")
	}
}

// runEdgeCases sends each case to the server at base and checks the answer.
func runEdgeCases(t *testing.T, base string, cases []edgeCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, nil)
			for k, vs := range tc.header {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			checkResponse(t, tc, resp.StatusCode, resp.Header.Values("WWW-Authenticate"), string(body))
		})
	}
}

func TestHandler(t *testing.T) {
	key, stranger := mustKey(t, "ES256", "k1"), mustKey(t, "ES256", "k2")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	srv := httptest.NewServer(h.Handler(http.HandlerFunc(echoAuth)))
	defer srv.Close()
	runEdgeCases(t, srv.URL, edgeCases(t, key, stranger))
}

func TestFastHTTP(t *testing.T) {
	key, stranger := mustKey(t, "ES256", "k1"), mustKey(t, "ES256", "k2")
	h := newTestHost(t, Options{Policy: policyDoc(t, map[string]any{"jwks": rawJSON(jwksOf(t, key))})})
	upstream := func(ctx *fasthttp.RequestCtx) {
		var b strings.Builder
		for _, k := range []string{"X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope", "X-Auth-Admin"} {
			var vals []string
			for _, v := range ctx.Request.Header.PeekAll(k) {
				vals = append(vals, string(v))
			}
			b.WriteString(k + "=" + strings.Join(vals, "|") + "\n")
		}
		_, _ = ctx.WriteString(b.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: h.FastHTTP(upstream)}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Shutdown() }()
	runEdgeCases(t, "http://"+ln.Addr().String(), edgeCases(t, key, stranger))
}

func TestChallengeEscaping(t *testing.T) {
	d := &Decision{Verdict: InvalidToken, Description: []byte("bad \"quote\" \\ and\x00ctl é")}
	got := string(d.AppendChallenge(nil, `realm "x"`))
	want := `Bearer realm="realm \"x\"", error="invalid_token", error_description="bad quote  andctl "`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
