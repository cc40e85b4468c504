package edge

import (
	"net/http"
	"sync"

	"github.com/tollgate/tollgate/internal/xauth"
)

// Headers set on allowed requests. Every incoming header starting with
// X-Auth- (in any case, or with underscores: see xauth.IsField) is removed
// first, so a client cannot forge them.
const (
	HeaderSubject  = "X-Auth-Subject"
	HeaderClientID = "X-Auth-Client-Id"
	HeaderScope    = "X-Auth-Scope"
)

// decisions recycles Decisions (and their buffers) across requests.
var decisions = sync.Pool{New: func() any { return new(Decision) }}

// Handler returns net/http middleware: requests with a valid token reach next
// with the X-Auth-* headers set (incoming ones removed); others get the
// RFC 6750 answer from the host's verdict (400, 401 or 403 with
// WWW-Authenticate), or 503 if the host cannot decide. Routes match on
// r.URL.EscapedPath(): the path as sent, percent-encoding intact, which the
// core checks for canonical form before it applies routes.
func (h *Host) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stripAuthHeaders(r.Header)
		d := decisions.Get().(*Decision)
		defer decisions.Put(d)

		if vals := r.Header.Values("Authorization"); len(vals) > 1 {
			d.deny(InvalidRequest, "malformed authorization header")
			h.metrics.observe(d, 0)
		} else {
			// One buffer holds header, method and path for the guest call.
			in := d.input(vals, r.Method, r.URL.EscapedPath())
			if err := h.Authorize(r.Context(), in[0], in[1], in[2], d); err != nil {
				http.Error(w, "authorization unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		if d.Verdict != Allow {
			d.in = d.AppendChallenge(d.in[:0], h.realm) // the input is spent
			w.Header().Set("WWW-Authenticate", string(d.in))
			w.WriteHeader(d.Verdict.Status())
			return
		}
		r.Header.Set(HeaderSubject, string(d.Subject))
		r.Header.Set(HeaderClientID, string(d.ClientID))
		r.Header.Set(HeaderScope, string(d.Scope))
		next.ServeHTTP(w, r)
	})
}

// stripAuthHeaders removes every X-Auth-* header, in any spelling
// xauth.IsField accepts.
func stripAuthHeaders(hdr http.Header) {
	for k := range hdr {
		if xauth.IsField(k) {
			delete(hdr, k)
		}
	}
}

// input copies the request fields into d's input buffer and returns them
// as byte slices (the Authorization value is empty when absent).
func (d *Decision) input(auth []string, method, path string) [3][]byte {
	b := d.in[:0]
	if len(auth) == 1 {
		b = append(b, auth[0]...)
	}
	n1 := len(b)
	b = append(b, method...)
	n2 := len(b)
	b = append(b, path...)
	d.in = b
	return [3][]byte{b[:n1:n1], b[n1:n2:n2], b[n2:]}
}
