package conformance

import (
	"errors"
	"strconv"
	"testing"
)

// Request is a case's request as an HTTP host receives it.
type Request struct {
	Method, Path string
	// Authorization holds the Authorization header values in order: none,
	// one, or several (a duplicated header).
	Authorization []string
	// Header holds the other request headers, canonical names. RunHTTP
	// puts forged X-Auth-* headers here (see [ForgedHeaders]), which every
	// host must remove before the upstream sees the request.
	Header map[string]string
}

// Response is what a host did with a request.
type Response struct {
	// Status is the status the client got: 200 when the request reached the
	// upstream (the adapter's upstream answers 200).
	Status int
	// WWWAuthenticate is the WWW-Authenticate header sent to the client.
	WWWAuthenticate string
	// Headers are the request headers the upstream received, canonical
	// names (X-Auth-Subject, …); nil when the upstream was not called.
	Headers map[string]string
}

// Host answers requests through a host configured for one case.
type Host func(Request) Response

// Setup returns a host configured from scratch for c: c.Policy, then c.Keys
// and c.Revocations (when non-nil) as if fetched from jwks_url and
// revocations_url, and a clock that reads c.Now. It calls t.Fatal when the
// host cannot be built and may register cleanups with t.
type Setup func(t testing.TB, c *Case) Host

// ForgedHeaders returns the headers RunHTTP adds to every request, as a
// client forging the upstream's identity headers would: a host must strip
// every incoming X-Auth-* header, not just the three it sets.
func ForgedHeaders() map[string]string {
	return map[string]string{
		"X-Auth-Subject":   "forged-subject",
		"X-Auth-Client-Id": "forged-client",
		"X-Auth-Scope":     "forged-scope",
		"X-Auth-Role":      "forged-role",
	}
}

// RunHTTP runs every case of [Cases] through a host that setup builds for
// it, one subtest per case, and fails the subtests whose answers
// [CheckResponse] rejects. Adding a host to the conformance suite means
// writing its Setup.
func RunHTTP(t *testing.T, setup Setup) {
	t.Helper()
	cases := Cases()
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			host := setup(t, c)
			r := host(RequestOf(c))
			if err := CheckResponse(c, r); err != nil {
				t.Error(err)
			}
		})
	}
}

// RequestOf returns c's request, with the forged headers of [ForgedHeaders].
func RequestOf(c *Case) Request {
	return Request{
		Method:        c.Method,
		Path:          c.Path,
		Authorization: append([]string(nil), c.Authorization...),
		Header:        ForgedHeaders(),
	}
}

// CheckResponse is [Check] for an HTTP host's Response: the forwarded claims
// are the X-Auth-Subject, X-Auth-Client-Id and X-Auth-Scope headers the
// upstream received, and no forged header of [ForgedHeaders] may reach it
// unless the host overwrote it with the token's claim.
func CheckResponse(c *Case, r Response) error {
	res := Result{Status: r.Status, WWWAuthenticate: r.WWWAuthenticate}
	if r.Status == 200 {
		res.Subject = r.Headers["X-Auth-Subject"]
		res.ClientID = r.Headers["X-Auth-Client-Id"]
		res.Scope = r.Headers["X-Auth-Scope"]
	}
	err := Check(c, res)
	if r.Headers != nil && r.Status != 200 {
		err = errors.Join(err, errors.New(c.Name+": the upstream was called but the client got "+strconv.Itoa(r.Status)))
	}
	for name, forged := range ForgedHeaders() {
		if v, ok := r.Headers[name]; ok && v == forged {
			err = errors.Join(err, errors.New(c.Name+": forged "+name+" reached the upstream"))
		}
	}
	return err
}
