package conformance

import (
	"errors"
	"strconv"
	"strings"
)

// Case is one request through a host configured from scratch: the host
// loads Policy, then Keys (as if fetched from jwks_url) and Revocations (as
// if polled from revocations_url) when non-nil, and answers one request at
// time Now.
type Case struct {
	Name        string
	Policy      []byte // the policy document
	Keys        []byte // JWKS for SetKeys / tg_set_keys; nil: only the policy's inline keys
	Revocations []byte // revocation feed for SetRevocations; nil: none
	// Authorization holds the request's Authorization header values: none,
	// one, or several (a duplicated header, which hosts reject with
	// invalid_request).
	Authorization []string
	Token         []byte // the bearer token in Authorization, nil if there is none
	Now           int64  // Unix seconds: the host's clock for this request
	Method, Path  string
	// Oversized marks a request larger than common HTTP header limits: an
	// HTTP host may answer 431 (or 400) before the validator sees it.
	Oversized bool
	Want      Want
}

// Want is the expected answer (DESIGN.md, "Edge responses").
type Want struct {
	Status int    // 200, 400, 401 or 403
	Error  string // WWW-Authenticate error code; "" for 200 and for 401 without a token
	// Description is the core's error_description. Hosts that forward it
	// must match it; those that do not may ignore it.
	Description string
	Scope       string // WWW-Authenticate scope attribute for 403
	// Forwarded claims for 200: X-Auth-Subject, X-Auth-Client-Id, X-Auth-Scope.
	Subject, ClientID, Scopes string
}

// Result is what a host answered.
type Result struct {
	Status          int
	WWWAuthenticate string // the header value on denials
	// Forwarded claims on 200 (X-Auth-Subject, X-Auth-Client-Id, X-Auth-Scope).
	Subject, ClientID, Scope string
}

// Check compares a host's answer with the case's expectation and returns a
// description of every difference, or nil.
func Check(c *Case, r Result) error {
	w := c.Want
	var diffs []string
	add := func(what, got, want string) {
		diffs = append(diffs, what+" = "+strconv.Quote(got)+", want "+strconv.Quote(want))
	}
	if r.Status != w.Status {
		if !(c.Oversized && (r.Status == 431 || r.Status == 400)) {
			add("status", strconv.Itoa(r.Status), strconv.Itoa(w.Status))
		}
		return joinDiffs(c.Name, diffs)
	}
	if w.Status == 200 {
		if r.Subject != w.Subject {
			add("subject", r.Subject, w.Subject)
		}
		if r.ClientID != w.ClientID {
			add("client_id", r.ClientID, w.ClientID)
		}
		if r.Scope != w.Scopes {
			add("scope", r.Scope, w.Scopes)
		}
		return joinDiffs(c.Name, diffs)
	}
	params, ok := ParseChallenge(r.WWWAuthenticate)
	if !ok {
		add("WWW-Authenticate", r.WWWAuthenticate, "Bearer realm=…")
		return joinDiffs(c.Name, diffs)
	}
	if _, ok := params["realm"]; !ok {
		add("WWW-Authenticate realm", "", "present")
	}
	if params["error"] != w.Error {
		add("error", params["error"], w.Error)
	}
	if d, ok := params["error_description"]; ok && w.Description != "" && d != w.Description {
		add("error_description", d, w.Description)
	}
	if w.Scope != "" && !sameScopes(params["scope"], w.Scope) {
		add("scope", params["scope"], w.Scope)
	}
	return joinDiffs(c.Name, diffs)
}

func joinDiffs(name string, diffs []string) error {
	if len(diffs) == 0 {
		return nil
	}
	return errors.New(name + ": " + strings.Join(diffs, "; "))
}

func sameScopes(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) != len(fb) {
		return false
	}
	for _, s := range fa {
		found := false
		for _, t := range fb {
			found = found || s == t
		}
		if !found {
			return false
		}
	}
	return true
}

// ParseChallenge parses a `Bearer k="v", k2="v2"` WWW-Authenticate value
// (RFC 9110 §11.6.1, quoted-string values with backslash escapes) and
// returns its parameters.
func ParseChallenge(h string) (map[string]string, bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		name, after, ok := strings.Cut(rest, "=")
		if !ok || len(after) == 0 || after[0] != '"' {
			return nil, false
		}
		var val strings.Builder
		i := 1
		for ; i < len(after) && after[i] != '"'; i++ {
			if after[i] == '\\' && i+1 < len(after) {
				i++
			}
			val.WriteByte(after[i])
		}
		if i >= len(after) {
			return nil, false
		}
		params[strings.ToLower(strings.TrimSpace(name))] = val.String()
		rest = strings.TrimLeft(after[i+1:], " ,")
	}
	return params, true
}
