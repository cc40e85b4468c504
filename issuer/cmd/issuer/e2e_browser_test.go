package main

// A headless Debian chromium, driven through chromedriver's W3C WebDriver
// HTTP API (plain net/http + JSON), signs in on the login page, presses
// Allow on the consent page and arrives at the client's redirect URI (a
// local listener) with a code, the state and iss. The code is then
// exchanged with golang.org/x/oauth2 and its PKCE verifier.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// webElementKey is the W3C WebDriver element reference key.
const webElementKey = "element-6066-11e4-a52e-4f735466cecf"

// chromiumPaths finds the chromium binary (the real one, not Debian's
// wrapper script, when present) and chromedriver, or skips the test with a
// reason — unless TOLLGATE_REQUIRE_BROWSER is set, when it fails.
func chromiumPaths(t *testing.T) (browser, driver string) {
	t.Helper()
	driver, errD := exec.LookPath("chromedriver")
	browser = "/usr/lib/chromium/chromium"
	if _, err := os.Stat(browser); err != nil {
		browser, err = exec.LookPath("chromium")
		if err != nil {
			browser = ""
		}
	}
	if browser == "" || errD != nil {
		msg := "chromium and chromium-driver are not installed (run scripts/install-test-deps.sh)"
		if os.Getenv("TOLLGATE_REQUIRE_BROWSER") != "" {
			t.Fatal(msg + "; TOLLGATE_REQUIRE_BROWSER is set")
		}
		t.Skip(msg + "; set TOLLGATE_REQUIRE_BROWSER to make this a failure")
	}
	return browser, driver
}

// webDriver is a minimal W3C WebDriver client for one session.
type webDriver struct {
	t       *testing.T
	base    string // http://127.0.0.1:PORT
	session string
	hc      *http.Client
}

// startWebDriver runs chromedriver on a free port and opens a session of
// headless chromium with a fresh profile. Both end at test cleanup.
func startWebDriver(t *testing.T, browser, driver string) *webDriver {
	t.Helper()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	var logBuf bytes.Buffer
	cmd := exec.Command(driver, "--port="+port, "--allowed-ips=127.0.0.1")
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("chromedriver output:\n%s", logBuf.String())
		}
	})
	wd := &webDriver{t: t, base: "http://" + addr, hc: &http.Client{Timeout: 90 * time.Second}}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := wd.call("GET", "/status", nil, &st); err == nil && st.Ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not become ready\n%s", logBuf.String())
		}
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": browser,
			"args": []string{
				"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
				"--user-data-dir=" + t.TempDir(),
			},
		},
	}}}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	if err := wd.call("POST", "/session", caps, &sess); err != nil || sess.SessionID == "" {
		t.Fatalf("new WebDriver session: %v\n%s", err, logBuf.String())
	}
	wd.session = sess.SessionID
	t.Cleanup(func() { _ = wd.call("DELETE", "/session/"+wd.session, nil, nil) })
	return wd
}

// call sends one WebDriver command and decodes its "value" into out.
func (wd *webDriver) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, wd.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := wd.hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("webdriver %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("webdriver %s %s: %d %s", method, path, resp.StatusCode, env.Value)
	}
	if out != nil {
		return json.Unmarshal(env.Value, out)
	}
	return nil
}

func (wd *webDriver) cmd(method, path string, body, out any) {
	wd.t.Helper()
	if err := wd.call(method, "/session/"+wd.session+path, body, out); err != nil {
		wd.t.Fatal(err)
	}
}

func (wd *webDriver) navigate(u string) { wd.cmd("POST", "/url", map[string]string{"url": u}, nil) }

func (wd *webDriver) currentURL() string {
	var u string
	wd.cmd("GET", "/url", nil, &u)
	return u
}

func (wd *webDriver) title() string {
	var s string
	wd.cmd("GET", "/title", nil, &s)
	return s
}

func (wd *webDriver) source() string {
	var s string
	wd.cmd("GET", "/source", nil, &s)
	return s
}

// find returns the element matching a CSS selector, waiting up to 10 s for
// it to appear.
func (wd *webDriver) find(css string) string {
	wd.t.Helper()
	var last error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var el map[string]string
		if last = wd.call("POST", "/session/"+wd.session+"/element", map[string]string{"using": "css selector", "value": css}, &el); last == nil {
			return el[webElementKey]
		}
	}
	wd.t.Fatalf("no element %q on %s: %v\n%s", css, wd.currentURL(), last, wd.source())
	return ""
}

func (wd *webDriver) typeInto(css, text string) {
	wd.cmd("POST", "/element/"+wd.find(css)+"/value", map[string]string{"text": text}, nil)
}

func (wd *webDriver) click(css string) {
	wd.cmd("POST", "/element/"+wd.find(css)+"/click", map[string]any{}, nil)
}

// TestBrowserLoginAndConsent is the browser run: headless chromium
// fills in the login form, presses Allow, and lands on the redirect URI
// with a code, the state and iss; x/oauth2 then redeems the code.
func TestBrowserLoginAndConsent(t *testing.T) {
	browserCodeFlow(t, "")
}

// TestBrowserFormPost: the same run with response_mode=form_post: the
// issuer's page submits the response to the redirect URI by its one
// script, which its Content-Security-Policy allows by hash.
func TestBrowserFormPost(t *testing.T) {
	browserCodeFlow(t, "form_post")
}

// callback is what arrived at the client's redirect URI.
type callback struct {
	method string
	params url.Values // the query, or the posted form
}

// browserCodeFlow signs in and allows in chromium, then checks what reaches
// the redirect URI (in the query, or posted with responseMode form_post)
// and redeems the code with x/oauth2.
func browserCodeFlow(t *testing.T, responseMode string) {
	browserBin, driverBin := chromiumPaths(t)

	// The client's redirect URI: a local listener that records what arrives.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirectURI := "http://" + ln.Addr().String() + "/cb"
	arrived := make(chan callback, 1)
	cb := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cb" {
			http.NotFound(w, r)
			return
		}
		params := r.URL.Query()
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			params = r.PostForm
		}
		select {
		case arrived <- callback{r.Method, params}:
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, `<!doctype html><html lang="en"><title>Client callback</title><p id="done">Done.</p></html>`)
	})}
	go func() { _ = cb.Serve(ln) }()
	t.Cleanup(func() { _ = cb.Close() })

	s := startServer(t, "")
	cli(t, "wonderland\n", "user", "add", "--db", s.db, "--username", "alice", "--password-stdin")
	c := addClient(t, s.db, "Browser Test App", "--grant", "authorization_code", "--redirect-uri", redirectURI, "--scope", "openid profile")

	cfg := oauth2.Config{
		ClientID: c.ID, ClientSecret: c.Secret, RedirectURL: redirectURI, Scopes: []string{"openid", "read"},
		Endpoint: oauth2.Endpoint{AuthURL: s.issuer() + "/authorize/", TokenURL: s.issuer() + "/token/"},
	}
	verifier := oauth2.GenerateVerifier()
	const state = "st-Ä 1/2"
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if responseMode != "" {
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", responseMode))
	}
	authURL := cfg.AuthCodeURL(state, opts...)

	wd := startWebDriver(t, browserBin, driverBin)
	wd.navigate(authURL)
	if u := wd.currentURL(); !strings.HasPrefix(u, s.issuer()+"/login/?next=") {
		t.Fatalf("not sent to the login page: %s", u)
	}
	if got := wd.title(); got != "Sign in · Tollgate" {
		t.Errorf("login page title %q", got)
	}
	wd.typeInto("#username", "alice")
	wd.typeInto("#password", "wonderland")
	wd.click("form button[type=submit]")

	wd.find(`button[name="allow"]`) // waits for the consent page
	src := wd.source()
	for _, want := range []string{"Browser Test App", `<span class="scope">openid</span>`, `<span class="scope">read</span>`} {
		if !strings.Contains(src, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	wd.click(`button[name="allow"]`)

	var got callback
	select {
	case got = <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatalf("the browser never reached the redirect URI; it is at %s\n%s", wd.currentURL(), wd.source())
	}
	q := got.params
	if q.Get("state") != state || q.Get("iss") != s.issuer() || len(q.Get("code")) < 43 || q.Get("error") != "" {
		t.Fatalf("redirect carried %v", q)
	}
	wd.find("#done")
	wantMethod, wantURL := http.MethodGet, redirectURI+"?"
	if responseMode == "form_post" {
		wantMethod, wantURL = http.MethodPost, redirectURI
	}
	if u := wd.currentURL(); got.method != wantMethod || !strings.HasPrefix(u, wantURL) {
		t.Errorf("browser arrived by %s and ended at %s", got.method, u)
	}

	tok, err := cfg.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			t.Fatalf("exchange: %s %s", re.ErrorCode, re.ErrorDescription)
		}
		t.Fatalf("exchange: %v", err)
	}
	if tok.AccessToken == "" || tok.Extra("id_token") == nil {
		t.Errorf("token response lacks an access or ID token: %+v", tok)
	}
}

// TestBrowserCORS: a script on an origin the client lists
// (--allowed-origin) reads discovery and, after the browser's real
// preflight, a token response; the same script on another origin reads
// discovery but is blocked from the token response.
func TestBrowserCORS(t *testing.T) {
	browserBin, driverBin := chromiumPaths(t)
	s := startServer(t, "")
	// Two local listeners: two origins serving the same single-page app.
	origins := make([]string, 2)
	lns := make([]net.Listener, 2)
	for i := range lns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i], origins[i] = ln, "http://"+ln.Addr().String()
	}
	c := addClient(t, s.db, "SPA", "--allowed-origin", origins[0])
	page := `<!doctype html><html lang="en"><title>SPA</title><p id="out">pending</p><script>
const out = document.getElementById('out');
(async () => {
  let step = 'discovery';
  try {
    const disc = await (await fetch(` + jsString(s.issuer()+"/.well-known/openid-configuration") + `)).json();
    step = 'token';
    const r = await fetch(disc.token_endpoint, {method: 'POST',
      headers: {'Authorization': 'Basic ' + btoa(` + jsString(c.ID+":"+c.Secret) + `), 'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'grant_type=client_credentials&scope=read'});
    const j = await r.json();
    out.textContent = j.token_type === 'Bearer' && j.access_token ? 'token' : 'no token: ' + JSON.stringify(j);
  } catch (e) { out.textContent = 'blocked at ' + step; }
  out.className = 'done';
})();
</script></html>`
	for _, ln := range lns {
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, page)
		})}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	}
	wd := startWebDriver(t, browserBin, driverBin)
	for i, want := range []string{"token", "blocked at token"} {
		wd.navigate(origins[i] + "/")
		wd.find("#out.done")
		if src := wd.source(); !strings.Contains(src, `<p id="out" class="done">`+want+`</p>`) {
			t.Errorf("from %s: want %q; page:\n%s", origins[i], want, src)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
