package issuer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"net/url"
	"strings"

	"github.com/valyala/fasthttp"
)

// The browser pages are html/template files embedded from pages/: one
// layout, one content template per page, and a stylesheet served at
// {issuer}/static/style.css. Every value is escaped by html/template; no page
// carries a script, inline or not, but the form_post response page, whose
// one inline script is allowed by its hash.

//go:embed pages/*.html pages/style.css
var pageFiles embed.FS

// pageTemplates maps a page name to its parsed layout + content template.
var pageTemplates = func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range []string{"login", "consent", "message", "formpost"} {
		m[name] = template.Must(template.ParseFS(pageFiles, "pages/layout.html", "pages/"+name+".html"))
	}
	return m
}()

var stylesheet = func() []byte {
	b, err := pageFiles.ReadFile("pages/style.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}()

// pageCSP is the Content-Security-Policy of every HTML page: nothing but
// our own stylesheet loads, no script runs, nobody frames us. form-action is
// left out on purpose: browsers apply it to the redirects after a form
// submission, and the consent and login forms end in a redirect to the
// client's redirect_uri, which is another origin.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'"

// page is what the layout renders; one of Login, Consent or Message is set.
type page struct {
	Title      string
	Alert      string // an error shown above the content (role="alert")
	CSRF       string // the form token
	Stylesheet string
	Login      *loginPage
	Consent    *consentPage
	Message    *messagePage
	FormPost   *formPostPage
}

// formPostPage is an authorization response in OAuth 2.0 Form Post
// Response Mode: a form of the response parameters that a script submits
// to the redirect URI at once (a button does without scripts).
type formPostPage struct {
	Host   string       // the redirect URI's host, shown while it submits
	Action template.URL // the redirect URI, registered and exactly matched
	Fields []hiddenField
	Script template.JS // formPostScript
}

type loginPage struct {
	Action       string // the form's action (the login URL)
	LogoutAction string
	Next         string // where a successful login continues, "" for none
	Username     string // refilled after a failed attempt
	SignedInAs   string // the current session's username, if any
}

type consentPage struct {
	Action       string
	ClientName   string
	Username     string
	Scopes       []scopeItem
	RedirectHost string
	Hidden       []hiddenField
}

type scopeItem struct{ Name, Description string }

type hiddenField struct{ Name, Value string }

type messagePage struct {
	Paragraphs []string
	Form       *messageForm
	Link       *link
}

type messageForm struct {
	Action string
	Button string
	Hidden []hiddenField
}

type link struct{ Href, Text string }

// scopeDescriptions explains the standard scopes on the consent page;
// others are shown by name.
var scopeDescriptions = map[string]string{
	"openid":         "confirm who you are",
	"profile":        "see your name and username",
	"email":          "see your email address",
	"offline_access": "keep access while you are away",
}

// renderPage answers status with the named page. The headers make it
// uncacheable, unframeable and script-free.
func (b *browser) renderPage(ctx *fasthttp.RequestCtx, status int, name string, p *page) {
	p.Stylesheet = b.s.path("static/style.css")
	var buf bytes.Buffer
	if err := pageTemplates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		b.s.log.Error("issuer: rendering page", "page", name, "err", err)
		ctx.Response.Reset()
		status = fasthttp.StatusInternalServerError
		buf.Reset()
		buf.WriteString("<!doctype html><html lang=\"en\"><title>Error</title><p>Internal error.</p></html>")
	}
	setPageHeaders(ctx)
	ctx.SetStatusCode(status)
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.SetBody(buf.Bytes())
}

// renderMessage answers status with a page of plain paragraphs.
func (b *browser) renderMessage(ctx *fasthttp.RequestCtx, status int, title string, paragraphs ...string) {
	b.renderPage(ctx, status, "message", &page{Title: title, Message: &messagePage{Paragraphs: paragraphs}})
}

// formPostScript submits the form_post page's form; formPostCSP allows it,
// and nothing else, by its hash.
const formPostScript = `document.getElementById("response").submit()`

var formPostCSP = func() string {
	sum := sha256.Sum256([]byte(formPostScript))
	return strings.Replace(pageCSP, "script-src 'none'", "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", 1)
}()

// formPost answers with the form_post page posting params to redirectURI.
func (b *browser) formPost(ctx *fasthttp.RequestCtx, redirectURI string, params []param) {
	fp := &formPostPage{Action: template.URL(redirectURI), Script: formPostScript}
	if u, err := url.Parse(redirectURI); err == nil {
		fp.Host = u.Host
	}
	for _, p := range params {
		fp.Fields = append(fp.Fields, hiddenField{Name: p.name, Value: p.value})
	}
	b.renderPage(ctx, fasthttp.StatusOK, "formpost", &page{Title: "Continuing", FormPost: fp})
	ctx.Response.Header.Set("Content-Security-Policy", formPostCSP)
}

// setPageHeaders sets the security headers of every browser response,
// redirects included. The referrer policy is same-origin, not no-referrer:
// under no-referrer browsers send "Origin: null" with form POSTs, which the
// CSRF origin check must refuse.
func setPageHeaders(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set(fasthttp.HeaderCacheControl, "no-store")
	h.Set(fasthttp.HeaderPragma, "no-cache")
}

// handleStylesheet serves the pages' stylesheet, cacheable for a day.
func (b *browser) handleStylesheet(ctx *fasthttp.RequestCtx) {
	ctx.Response.Header.Set(fasthttp.HeaderCacheControl, "public, max-age=86400")
	ctx.Response.Header.Set("X-Content-Type-Options", "nosniff")
	ctx.SetContentType("text/css; charset=utf-8")
	ctx.SetBody(stylesheet)
}
