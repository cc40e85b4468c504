package conformance

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/tollgate/tollgate/wasm/validator"
)

// Documents returns an [http.RoundTripper] that answers c's jwks_url and
// revocations_url with c.Keys and c.Revocations, as the issuer would, and
// every other URL (and a nil document) with 404: give it to a host's HTTP
// client to serve a case without a network.
func Documents(c *Case) (http.RoundTripper, error) {
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		return nil, err
	}
	return documents{p.JWKSURL: c.Keys, p.RevocationsURL: c.Revocations}, nil
}

type documents map[string][]byte

func (d documents) RoundTrip(r *http.Request) (*http.Response, error) {
	body, ok := d[r.URL.String()]
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r}
	if !ok || body == nil {
		resp.StatusCode = http.StatusNotFound
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// ServeHTTP is the [Host] of net/http middleware: it sends req through mw
// in front of an upstream that answers 200 and records the request headers
// it received.
func ServeHTTP(mw func(http.Handler) http.Handler, req Request) Response {
	var upstream map[string]string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstream = map[string]string{}
		for k := range r.Header {
			upstream[k] = r.Header.Get(k)
		}
		w.WriteHeader(http.StatusOK)
	})
	r := httptest.NewRequest(req.Method, "http://edge.test"+req.Path, nil)
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	for _, a := range req.Authorization {
		r.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	mw(next).ServeHTTP(rec, r)
	return Response{Status: rec.Code, WWWAuthenticate: rec.Header().Get("WWW-Authenticate"), Headers: upstream}
}
