package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
	"github.com/valyala/fasthttp/fasthttputil"
)

// Browser-flow tests run a Server with a real bbolt store and a real
// signing ring (ES256 for access tokens, RS256 for ID tokens) on an
// in-memory listener, and drive it with net/http clients that keep cookies
// and do not follow redirects, so every hop can be checked.

const (
	testIssuer = "http://issuer.test/o"
	testOrigin = "http://issuer.test"
	bhPassword = "correct horse battery staple"
)

// testRing is one ring for the whole test binary: RSA key generation is slow.
var testRing = sync.OnceValue(func() *signing.Ring {
	r := signing.NewRing(nil, signing.Options{})
	for _, alg := range []string{signing.ES256, signing.RS256} {
		k, err := r.Rotate(alg)
		if err != nil {
			panic(err)
		}
		r.Add(k)
	}
	return r
})

// bhPasswordHash is hashed once: argon2id is slow by design.
var bhPasswordHash = sync.OnceValue(func() string {
	h, err := store.HashPassword(bhPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// bh is a browser-flow test harness.
type bh struct {
	t     testing.TB
	srv   *Server
	db    *store.DB
	ln    *fasthttputil.InmemoryListener
	clock *clock
	log   *syncBuffer
	alice *store.User
}

// newBH starts a server with cfg (Issuer defaults to testIssuer, the clock
// to a harness clock at the current second) and creates the user alice.
func newBH(t testing.TB, cfg Config) *bh {
	t.Helper()
	h := &bh{t: t, clock: newClock(time.Now().Truncate(time.Second)), log: &syncBuffer{}, ln: fasthttputil.NewInmemoryListener()}
	db, err := store.Open(filepath.Join(t.TempDir(), "issuer.db"), &store.Options{KEK: make([]byte, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	if cfg.Issuer == "" {
		cfg.Issuer = testIssuer
	}
	if cfg.Now == nil {
		cfg.Now = h.clock.Now
	}
	cfg.Logger = slog.New(slog.NewTextHandler(h.log, nil))
	cfg.InsecureNoRateLimit = true
	if h.srv, err = New(cfg, db, testRing()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.srv.Serve(h.ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.srv.Shutdown(ctx)
		if err := <-done; err != nil && !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		_ = db.Close()
	})
	h.alice = &store.User{Username: "alice", PasswordHash: bhPasswordHash(), Name: "Alice Liddell", Email: "alice@example.com"}
	if err := db.CreateUser(h.alice); err != nil {
		t.Fatal(err)
	}
	return h
}

// addClient stores c, filling in a name, a secret for confidential
// clients, and the authorization_code grant, and returns it with its
// secret ("" for public clients).
func (h *bh) addClient(c store.Client) (*store.Client, string) {
	h.t.Helper()
	if c.Name == "" {
		c.Name = c.ID
	}
	if c.Type == "" {
		c.Type = store.Confidential
	}
	secret := ""
	if c.Type == store.Confidential {
		secret, c.SecretHash = store.NewSecret()
	}
	if c.GrantTypes == nil {
		c.GrantTypes = []string{store.GrantAuthorizationCode, store.GrantRefreshToken}
	}
	if err := h.db.CreateClient(&c); err != nil {
		h.t.Fatal(err)
	}
	h.srv.InvalidateClient(c.ID)
	return &c, secret
}

// tbrowser is a cookie-keeping HTTP client that reports redirects instead
// of following them.
type tbrowser struct {
	t      testing.TB
	h      *bh
	hc     *http.Client
	header http.Header // sent with every request
}

func (h *bh) browser() *tbrowser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) { return h.ln.Dial() }}
	return &tbrowser{t: h.t, h: h, header: http.Header{}, hc: &http.Client{
		Jar:           jar,
		Transport:     schemeRewriter{tr},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// schemeRewriter sends https requests as plain http, so that an https
// issuer can be tested on the in-memory listener while the cookie jar
// still sees https (and honours Secure).
type schemeRewriter struct{ rt http.RoundTripper }

func (s schemeRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "https" {
		r = r.Clone(r.Context())
		r.URL.Scheme = "http"
	}
	return s.rt.RoundTrip(r)
}

// tresp is a response with its body read.
type tresp struct {
	*http.Response
	body string
}

// location returns the parsed Location header, failing without one.
func (r *tresp) location(t testing.TB) *url.URL {
	t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		t.Fatalf("status %d without Location; body:\n%s", r.StatusCode, r.body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (b *tbrowser) do(req *http.Request) *tresp {
	b.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return &tresp{Response: resp, body: string(body)}
}

func (b *tbrowser) get(u string) *tresp {
	b.t.Helper()
	req, err := http.NewRequest("GET", absURL(u), nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *tbrowser) post(u string, form url.Values) *tresp {
	b.t.Helper()
	req, err := http.NewRequest("POST", absURL(u), strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// absURL makes a path absolute against the test issuer's origin.
func absURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return testOrigin + u
	}
	return u
}

// cookie returns the jar's cookie name for the test origin, or "".
func (b *tbrowser) cookie(name string) string {
	u, _ := url.Parse(testIssuer + "/")
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// login signs in through the login page and returns the login POST's answer.
func (b *tbrowser) login(next, username, password string) *tresp {
	b.t.Helper()
	page := b.get("/o/login/?next=" + url.QueryEscape(next))
	if page.StatusCode != 200 {
		b.t.Fatalf("login page: %d\n%s", page.StatusCode, page.body)
	}
	f := formFields(page.body)
	f.Set("username", username)
	f.Set("password", password)
	return b.post("/o/login/", f)
}

// mustLogin signs in as alice and fails unless the answer is the 303.
func (b *tbrowser) mustLogin() {
	b.t.Helper()
	if r := b.login("", "alice", bhPassword); r.StatusCode != 303 {
		b.t.Fatalf("login: status %d\n%s", r.StatusCode, r.body)
	}
}

var (
	inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	alertRE = regexp.MustCompile(`(?s)<p class="alert" role="alert">(.*?)</p>`)
)

// formFields returns the hidden fields of the page's (first) form.
func formFields(body string) url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// alertOf returns the page's alert text, "" when it has none.
func alertOf(body string) string {
	m := alertRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// authorizeURL builds an authorization request URL from pairs.
func authorizeURL(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return "/o/authorize/?" + v.Encode()
}

// challengeOf returns the S256 code challenge of verifier.
func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const bhVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more"

// jwtClaims decodes a JWT's payload without verifying it.
func jwtClaims(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// fragmentParams parses the fragment of a redirect.
func fragmentParams(t testing.TB, u *url.URL) url.Values {
	t.Helper()
	v, err := url.ParseQuery(u.EscapedFragment())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
