package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// Users and clients of the flow tests. Secrets and passwords are plain here.
const (
	alicePassword = "wonderland-9"
	bobPassword   = "builder-9"
	webRedirect   = "https://app.example/cb"
	spaRedirect   = "http://127.0.0.1/cb"
)

// flowClient is a registered test client and its secret ("" for public).
type flowClient struct {
	*store.Client
	secret string
}

// testKeys are an ES256 and an RS256 key, generated once per test binary
// (RSA generation is slow); every harness builds its own ring from them.
var testKeys = sync.OnceValue(func() []*signing.Key {
	past := time.Now().Add(-time.Hour)
	var keys []*signing.Key
	for _, alg := range []string{signing.ES256, signing.RS256, signing.EdDSA} {
		k, err := signing.Generate(alg, past, past)
		if err != nil {
			panic(err)
		}
		keys = append(keys, k)
	}
	return keys
})

// flowHarness is a Server with a real store, a real signing ring (ES256,
// RS256, EdDSA) and a settable clock, serving on a loopback TCP port, so
// that real clients (net/http, x/oauth2, go-oidc) can talk to it.
type flowHarness struct {
	t       testing.TB
	srv     *Server
	db      *store.DB
	ring    *signing.Ring
	clock   *clock
	log     *syncBuffer
	issuer  string
	clients map[string]*flowClient
	alice   *store.User
	bob     *store.User
}

// newFlowHarness starts a server configured by cfg; zero rate limits turn
// the token-endpoint limits off (login throttling stays on).
func newFlowHarness(t testing.TB, cfg Config) *flowHarness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &flowHarness{t: t, clock: newClock(time.Now().UTC().Truncate(time.Second)), log: &syncBuffer{}, clients: map[string]*flowClient{}}
	h.issuer = "http://" + ln.Addr().String() + "/o"
	h.db, err = store.Open(filepath.Join(t.TempDir(), "issuer.db"), &store.Options{KEK: make([]byte, store.KEKSize), Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.db.Close() })
	h.ring = signing.NewRing(testKeys(), signing.Options{Now: h.clock.Now})
	h.addClients()
	h.alice = h.addUser("alice", alicePassword)
	h.bob = h.addUser("bob", bobPassword)

	cfg.Issuer = h.issuer
	cfg.Now = h.clock.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(h.log, nil))
	}
	if cfg.ClientRateLimit == (RateLimit{}) && cfg.AddrRateLimit == (RateLimit{}) {
		cfg.InsecureNoRateLimit = true
	}
	if cfg.Flows.PurgeInterval == 0 {
		cfg.Flows.PurgeInterval = -1 // tests purge explicitly
	}
	h.srv, err = New(cfg, h.db, h.ring)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return h
}

func (h *flowHarness) addClients() {
	code := []string{store.GrantAuthorizationCode, store.GrantRefreshToken}
	all := []string{"openid", "profile", "email", "read", "write"}
	add := func(c *store.Client) {
		var secret string
		if c.Type == "" {
			c.Type = store.Confidential
			secret, c.SecretHash = store.NewSecret()
		}
		c.Name = c.ID
		if err := h.db.CreateClient(c); err != nil {
			h.t.Fatal(err)
		}
		h.clients[c.ID] = &flowClient{Client: c, secret: secret}
	}
	add(&store.Client{ID: "web", GrantTypes: code, RedirectURIs: []string{webRedirect}, Scopes: all})
	add(&store.Client{ID: "other", GrantTypes: code, RedirectURIs: []string{webRedirect}, Scopes: all})
	add(&store.Client{ID: "spa", Type: store.Public, GrantTypes: code, RedirectURIs: []string{spaRedirect}, Scopes: all})
	add(&store.Client{ID: "norefresh", GrantTypes: []string{store.GrantAuthorizationCode}, RedirectURIs: []string{webRedirect}, Scopes: all})
	add(&store.Client{ID: "es256id", GrantTypes: code, RedirectURIs: []string{webRedirect}, Scopes: all, IDTokenSignedResponseAlg: "ES256"})
	add(&store.Client{ID: "edid", GrantTypes: code, RedirectURIs: []string{webRedirect}, Scopes: all, IDTokenSignedResponseAlg: "EdDSA"})
	add(&store.Client{ID: "pw", GrantTypes: []string{store.GrantPassword, store.GrantRefreshToken}, Scopes: []string{"read", "write", "openid"}})
	add(&store.Client{ID: "rs", GrantTypes: []string{store.GrantClientCredentials}, Scopes: []string{"introspection", "read"}})
	add(&store.Client{ID: "aud", GrantTypes: code, RedirectURIs: []string{webRedirect}, Scopes: all, Audience: []string{"api-a", "api-b"}})
}

func (h *flowHarness) addUser(name, password string) *store.User {
	hash, err := store.HashPassword(password)
	if err != nil {
		h.t.Fatal(err)
	}
	u := &store.User{Username: name, PasswordHash: hash, Email: name + "@example.com"}
	if err := h.db.CreateUser(u); err != nil {
		h.t.Fatal(err)
	}
	return u
}

// codeOpts describe an authorization code the test plants in the store,
// as /o/authorize/ would after login and consent.
type codeOpts struct {
	client      string // default "web"
	user        *store.User
	redirectURI string // default the client's first; "-" for none
	scope       string // default "openid read"
	nonce       string
	verifier    string // PKCE verifier for an S256 challenge; "-" for no challenge
	method      string // default S256; "plain" puts the verifier itself as the challenge
	ttl         time.Duration
}

// testVerifier is a valid RFC 7636 code_verifier.
const testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

// s256 is the S256 code_challenge of v.
func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// code plants an authorization code and returns it.
func (h *flowHarness) code(o codeOpts) string {
	h.t.Helper()
	if o.client == "" {
		o.client = "web"
	}
	if o.user == nil {
		o.user = h.alice
	}
	switch o.redirectURI {
	case "":
		o.redirectURI = h.clients[o.client].RedirectURIs[0]
	case "-":
		o.redirectURI = ""
	}
	if o.scope == "" {
		o.scope = "openid read"
	}
	if o.verifier == "" {
		o.verifier = testVerifier
	}
	if o.ttl == 0 {
		o.ttl = time.Minute
	}
	now := h.clock.Now()
	rec := &store.AuthCode{ClientID: o.client, UserID: o.user.ID, RedirectURI: o.redirectURI, Scope: o.scope,
		Nonce: o.nonce, AuthTime: now.Add(-time.Minute), Expires: now.Add(o.ttl)}
	switch {
	case o.verifier == "-":
	case o.method == pkcePlain:
		rec.CodeChallenge, rec.CodeChallengeMethod = o.verifier, pkcePlain
	default:
		rec.CodeChallenge, rec.CodeChallengeMethod = s256(o.verifier), pkceS256
	}
	code := newRefreshToken()
	if err := h.db.CreateCode(code, rec); err != nil {
		h.t.Fatal(err)
	}
	return code
}

// httpResp is a response read whole.
type httpResp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as a JSON object.
func (r httpResp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object (status %d): %v\n%s", r.status, err, r.body)
	}
	return m
}

// post sends a form to path (below the issuer) as client id ("" for no
// client authentication; a public client sends client_id in the form).
func (h *flowHarness) post(t testing.TB, path, client string, form url.Values, hdr ...string) httpResp {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	req, _ := http.NewRequest("POST", h.issuer+path, strings.NewReader(""))
	if c := h.clients[client]; c != nil {
		if c.secret == "" {
			form.Set("client_id", c.ID)
		} else {
			req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.secret))
		}
	}
	req.Body = io.NopCloser(strings.NewReader(form.Encode()))
	req.ContentLength = int64(len(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return h.do(t, req)
}

// get fetches path (below the issuer) with header pairs.
func (h *flowHarness) get(t testing.TB, path string, hdr ...string) httpResp {
	t.Helper()
	req, _ := http.NewRequest("GET", h.issuer+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return h.do(t, req)
}

func (h *flowHarness) do(t testing.TB, req *http.Request) httpResp {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpResp{status: resp.StatusCode, header: resp.Header, body: body}
}

// exchange redeems a code for client with verifier ("" sends none) and
// redirect_uri ("-" sends none; "" the client's first).
func (h *flowHarness) exchange(t testing.TB, client, code, verifier, redirectURI string) httpResp {
	t.Helper()
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code}}
	switch redirectURI {
	case "":
		f.Set("redirect_uri", h.clients[client].RedirectURIs[0])
	case "-":
	default:
		f.Set("redirect_uri", redirectURI)
	}
	if verifier != "" {
		f.Set("code_verifier", verifier)
	}
	return h.post(t, "/token/", client, f)
}

// tokens is a successful token response.
type tokens struct {
	Access    string `json:"access_token"`
	Type      string `json:"token_type"`
	ExpiresIn int64  `json:"expires_in"`
	Scope     string `json:"scope"`
	Refresh   string `json:"refresh_token"`
	IDToken   string `json:"id_token"`
}

// mustTokens asserts a 200 token response and decodes it.
func mustTokens(t testing.TB, r httpResp) tokens {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("token response %d: %s", r.status, r.body)
	}
	var tk tokens
	if err := json.Unmarshal(r.body, &tk); err != nil || tk.Access == "" || tk.Type != "Bearer" {
		t.Fatalf("bad token response %s: %v", r.body, err)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("token response Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	return tk
}

// redeem plants a code for o and exchanges it, returning the tokens.
func (h *flowHarness) redeem(t testing.TB, o codeOpts) tokens {
	t.Helper()
	code := h.code(o)
	client := o.client
	if client == "" {
		client = "web"
	}
	v := o.verifier
	if v == "" {
		v = testVerifier
	}
	if v == "-" {
		v = ""
	}
	return mustTokens(t, h.exchange(t, client, code, v, ""))
}

// refresh uses a refresh token as client, with scope when not "".
func (h *flowHarness) refresh(t testing.TB, client, token, scope string) httpResp {
	t.Helper()
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}}
	if scope != "" {
		f.Set("scope", scope)
	}
	return h.post(t, "/token/", client, f)
}

// introspect asks about token as the resource server "rs".
func (h *flowHarness) introspect(t testing.TB, token, hint string) map[string]any {
	t.Helper()
	f := url.Values{"token": {token}}
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	r := h.post(t, "/introspect/", "rs", f)
	if r.status != 200 {
		t.Fatalf("introspect: %d %s", r.status, r.body)
	}
	return r.json(t)
}

// revoked returns the jtis of the revocation feed.
func (h *flowHarness) revoked(t testing.TB) map[string]int64 {
	t.Helper()
	r := h.get(t, "/revoked")
	if r.status != 200 {
		t.Fatalf("GET /o/revoked: %d %s", r.status, r.body)
	}
	var list []struct {
		JTI string `json:"jti"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("feed is not a JSON array of {jti, exp}: %v\n%s", err, r.body)
	}
	out := map[string]int64{}
	for _, e := range list {
		out[e.JTI] = e.Exp
	}
	return out
}

// wantGrantError asserts a §5.2 error with status 400 (401 for invalid_client).
func wantGrantError(t testing.TB, r httpResp, code string) {
	t.Helper()
	want := 400
	switch code {
	case CodeInvalidClient:
		want = 401
	case CodeTemporarilyUnavailable:
		want = 429
	}
	if r.status != want {
		t.Errorf("status = %d, want %d; body %s", r.status, want, r.body)
	}
	if m := r.json(t); m["error"] != code {
		t.Errorf("error = %v, want %s; body %s", m["error"], code, r.body)
	}
}

// claimsOf decodes a JWT's payload without verifying it.
func claimsOf(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// headerOf decodes a JWT's protected header.
func headerOf(t testing.TB, jwt string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
