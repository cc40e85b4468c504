package issuer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/tollgate/tollgate/issuer/store"
)

// Error codes of authorization responses: RFC 6749 §4.1.2.1 and §4.2.2.1,
// and OpenID Connect Core §3.1.2.6. (invalid_request, unauthorized_client,
// invalid_scope, server_error and temporarily_unavailable are shared with
// the token endpoint.)
const (
	CodeAccessDenied            = "access_denied"
	CodeUnsupportedResponseType = "unsupported_response_type"
	CodeLoginRequired           = "login_required"
	CodeConsentRequired         = "consent_required"
	CodeInteractionRequired     = "interaction_required"
	CodeRequestNotSupported     = "request_not_supported"
	CodeRequestURINotSupported  = "request_uri_not_supported"
)

// Response types the authorization endpoint knows, in canonical form
// (space-separated values in this order). Only "code" is open to every
// client allowed the authorization_code grant; the others need the
// client's ResponseTypes to list them (RFC 9700 §2.1.2 deprecates the
// implicit grant).
const (
	respCode        = "code"
	respIDToken     = "id_token"
	respCodeIDToken = "code id_token"
	respToken       = "token"
)

// Response modes: the query for codes, the fragment for anything carrying
// a token (OAuth 2.0 Multiple Response Type Encoding Practices §2.1), or,
// when the client asks, an auto-submitted form (OAuth 2.0 Form Post
// Response Mode).
const (
	modeQuery    = "query"
	modeFragment = "fragment"
	modeFormPost = "form_post"
)

// Other parameters and their bounds.
const (
	maxStateLen     = 4096
	maxNonceLen     = 512
	maxAgeDigits    = 10
	approvalAuto    = "auto" // DOT's approval_prompt values
	approvalForce   = "force"
	oidcScopeOpenID = "openid"
)

// oidcScopes are allowed to every client that uses the browser flows, on
// top of its own Scopes: they concern the user, who consents to them.
var oidcScopes = []string{"openid", "profile", "email"}

// authzRequest is an authorization request whose client and redirect URI
// have been checked; the rest is filled in by parse.
type authzRequest struct {
	client      *store.Client
	redirectURI string // where the response goes
	sentURI     string // redirect_uri as sent, "" when omitted

	responseType string // canonical; "" until parsed
	responseMode string // modeQuery, modeFragment or modeFormPost
	modeSent     string // response_mode as sent
	state        string
	scope        string // granted, canonical
	scopes       []string
	nonce        string
	challenge    string
	method       string // code_challenge_method in effect; "" without a challenge
	methodSent   string
	promptNone   bool
	promptLogin  bool
	promptCons   bool
	maxAge       int64  // -1 when absent
	hintSub      string // the user id_token_hint names, "" without one
	approval     string
}

// authzError is an error to send to the client's redirect URI.
type authzError struct{ code, desc string }

func authzErr(code, desc string) *authzError { return &authzError{code: code, desc: desc} }

// parse reads and checks every parameter after client_id and redirect_uri,
// in RFC 6749's order: response_type (so the response mode for errors is
// known), state, then scope, PKCE and the OpenID Connect parameters. On
// error r.state and the response mode hold what could be read.
func (r *authzRequest) parse(f *form) *authzError {
	r.responseMode = modeQuery
	r.maxAge = -1
	var e *Error
	if r.state, e = f.one("state"); e != nil {
		r.state = ""
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if len(r.state) > maxStateLen {
		r.state = ""
		return authzErr(CodeInvalidRequest, "state is too long")
	}
	rt, e := f.one("response_type")
	if e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if rt == "" {
		return authzErr(CodeInvalidRequest, "missing response_type")
	}
	canon, known := canonicalResponseType(rt)
	if known && canon != respCode {
		r.responseMode = modeFragment // tokens never travel in a query
	}
	if r.modeSent, e = f.one("response_mode"); e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	switch r.modeSent {
	case "":
	case modeFragment:
		r.responseMode = modeFragment
	case modeFormPost:
		// The form's action must be a web URL: a browser cannot POST to
		// a native app's custom scheme.
		if !strings.HasPrefix(r.redirectURI, "https://") && !strings.HasPrefix(r.redirectURI, "http://") {
			return authzErr(CodeInvalidRequest, "response_mode form_post needs an http or https redirect URI")
		}
		r.responseMode = modeFormPost
	case modeQuery:
		if known && canon != respCode {
			return authzErr(CodeInvalidRequest, "response_mode query is not allowed with tokens in the response")
		}
	default:
		return authzErr(CodeInvalidRequest, "unsupported response_mode")
	}
	if !known {
		return authzErr(CodeUnsupportedResponseType, "unsupported response_type")
	}
	r.responseType = canon
	c := r.client
	switch {
	case strings.Contains(canon, respCode) && !c.AllowsGrant(store.GrantAuthorizationCode):
		return authzErr(CodeUnauthorizedClient, "client is not allowed the authorization_code grant")
	case canon != respCode && !slices.Contains(c.ResponseTypes, canon):
		return authzErr(CodeUnsupportedResponseType, "response_type "+canon+" is not enabled for this client")
	}
	for _, p := range [...]struct{ name, code string }{{"request", CodeRequestNotSupported}, {"request_uri", CodeRequestURINotSupported}} {
		if v, _ := f.one(p.name); v != "" {
			return authzErr(p.code, p.name+" is not supported")
		}
	}
	if ae := r.parseScope(f); ae != nil {
		return ae
	}
	if ae := r.parseOIDC(f); ae != nil {
		return ae
	}
	return r.parsePKCE(f)
}

// canonicalResponseType returns the canonical form of a response_type
// (its space-separated values are an unordered set, OAuth 2.0 Multiple
// Response Type Encoding Practices §2) and whether it is one we serve.
func canonicalResponseType(rt string) (string, bool) {
	var code, idt, tok bool
	for _, v := range strings.Split(rt, " ") {
		switch {
		case v == "code" && !code:
			code = true
		case v == "id_token" && !idt:
			idt = true
		case v == "token" && !tok:
			tok = true
		default:
			return "", false
		}
	}
	switch {
	case code && idt && !tok:
		return respCodeIDToken, true
	case code && !idt && !tok:
		return respCode, true
	case idt && !code && !tok:
		return respIDToken, true
	case tok && !code && !idt:
		return respToken, true
	}
	return "", false
}

// parseScope grants the requested scope from the client's scopes and the
// OpenID Connect ones; no scope means the client's own scopes.
func (r *authzRequest) parseScope(f *form) *authzError {
	req, e := f.one("scope")
	if e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if req == "" {
		r.scopes = slices.Clone(r.client.Scopes)
		r.scope = strings.Join(r.scopes, " ")
	} else {
		granted, e := grantScope(req, browserScopes(r.client))
		if e != nil {
			return authzErr(CodeInvalidScope, e.Description)
		}
		r.scope = granted
		r.scopes = strings.Fields(granted)
	}
	if r.responseType != respCode && r.responseType != respToken && !slices.Contains(r.scopes, oidcScopeOpenID) {
		return authzErr(CodeInvalidRequest, "response_type "+r.responseType+" needs the openid scope")
	}
	return nil
}

// parseOIDC reads nonce, prompt, max_age and DOT's approval_prompt.
func (r *authzRequest) parseOIDC(f *form) *authzError {
	var e *Error
	if r.nonce, e = f.one("nonce"); e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if len(r.nonce) > maxNonceLen {
		return authzErr(CodeInvalidRequest, "nonce is too long")
	}
	if r.nonce == "" && strings.Contains(r.responseType, respIDToken) {
		return authzErr(CodeInvalidRequest, "nonce is required with response_type "+r.responseType)
	}
	prompt, e := f.one("prompt")
	if e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	n := 0
	for _, v := range strings.Fields(prompt) {
		n++
		switch v {
		case "none":
			r.promptNone = true
		case "login":
			r.promptLogin = true
		case "consent":
			r.promptCons = true
		case "select_account": // one account per browser: nothing to select
		default:
			return authzErr(CodeInvalidRequest, "unsupported prompt value")
		}
	}
	if r.promptNone && n > 1 {
		return authzErr(CodeInvalidRequest, "prompt=none cannot be combined with other values")
	}
	maxAge, e := f.one("max_age")
	if e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if maxAge != "" {
		v, err := strconv.ParseInt(maxAge, 10, 64)
		if err != nil || v < 0 || len(maxAge) > maxAgeDigits || maxAge[0] == '+' {
			return authzErr(CodeInvalidRequest, "max_age must be a non-negative integer")
		}
		r.maxAge = v
	}
	if r.approval, e = f.one("approval_prompt"); e != nil {
		return authzErr(CodeInvalidRequest, e.Description)
	}
	if r.approval != "" && r.approval != approvalAuto && r.approval != approvalForce {
		return authzErr(CodeInvalidRequest, "approval_prompt must be auto or force")
	}
	return nil
}
