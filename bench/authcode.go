package bench

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// CodeFlow drives a full authorization code + PKCE (S256) exchange against
// a running issuer over HTTP, as a browser and a confidential client
// would: the authorization request, the login page and its POST, the
// consent page and its POST, then the token request with the
// code_verifier. Each run uses a fresh cookie jar: a new browser session.
type CodeFlow struct {
	Issuer       string // e.g. http://127.0.0.1:9000/o
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Username     string
	Password     string
}

// CodeFlowTiming is one run's time per step.
type CodeFlowTiming struct {
	Login    time.Duration // authorize → login page → login POST (the password hash dominates)
	Consent  time.Duration // authorize again → consent page → allow POST → code
	Exchange time.Duration // token request: code + verifier → access, ID and refresh tokens
}

// Total is the whole flow's time.
func (t CodeFlowTiming) Total() time.Duration { return t.Login + t.Consent + t.Exchange }

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// Run performs one flow and checks every hop.
func (f CodeFlow) Run(ctx context.Context) (CodeFlowTiming, error) {
	var t CodeFlowTiming
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u, err := url.Parse(f.Issuer)
	if err != nil {
		return t, err
	}
	origin := u.Scheme + "://" + u.Host
	verifier := randomString(48)
	sum := sha256.Sum256([]byte(verifier))
	state := randomString(12)
	authz := f.Issuer + "/authorize/?" + url.Values{
		"client_id": {f.ClientID}, "response_type": {"code"}, "redirect_uri": {f.RedirectURI},
		"scope": {"openid read"}, "state": {state}, "nonce": {randomString(12)},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}.Encode()

	do := func(method, target string, form url.Values, wantStatus int) (*http.Response, string, error) {
		if strings.HasPrefix(target, "/") {
			target = origin + target
		}
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, target, body)
		if err != nil {
			return nil, "", err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", origin)
		}
		if method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/token/") {
			req.Header.Set("Authorization", BasicAuth(f.ClientID, f.ClientSecret))
			req.Header.Del("Origin")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			return resp, string(b), fmt.Errorf("%w: %s %s: status %d, want %d: %.300s", ErrUnexpected, method, req.URL.Path, resp.StatusCode, wantStatus, b)
		}
		return resp, string(b), nil
	}

	start := time.Now()
	resp, _, err := do(http.MethodGet, authz, nil, http.StatusFound)
	if err != nil {
		return t, err
	}
	_, page, err := do(http.MethodGet, resp.Header.Get("Location"), nil, http.StatusOK)
	if err != nil {
		return t, err
	}
	form := hiddenFields(page)
	form.Set("username", f.Username)
	form.Set("password", f.Password)
	resp, _, err = do(http.MethodPost, f.Issuer+"/login/", form, http.StatusSeeOther)
	if err != nil {
		return t, err
	}
	t.Login = time.Since(start)

	start = time.Now()
	_, page, err = do(http.MethodGet, resp.Header.Get("Location"), nil, http.StatusOK)
	if err != nil {
		return t, err
	}
	form = hiddenFields(page)
	form.Set("allow", "Authorize")
	resp, _, err = do(http.MethodPost, f.Issuer+"/authorize/", form, http.StatusSeeOther)
	if err != nil {
		return t, err
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return t, err
	}
	code := cb.Query().Get("code")
	if code == "" || cb.Query().Get("state") != state {
		return t, fmt.Errorf("%w: authorization response %s", ErrUnexpected, cb.Redacted())
	}
	t.Consent = time.Since(start)

	start = time.Now()
	_, body, err := do(http.MethodPost, f.Issuer+"/token/", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {f.RedirectURI}, "code_verifier": {verifier},
	}, http.StatusOK)
	if err != nil {
		return t, err
	}
	t.Exchange = time.Since(start)
	var tok struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil || tok.AccessToken == "" || tok.IDToken == "" {
		return t, fmt.Errorf("%w: token response lacks access_token or id_token: %.200s", ErrUnexpected, body)
	}
	return t, nil
}

// hiddenFields returns the hidden inputs of the page's forms.
func hiddenFields(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}
