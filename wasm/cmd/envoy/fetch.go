package main

import (
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
)

// Fetch limits and timing.
const (
	maxJWKSBytes       = 1 << 20  // a JWKS larger than this is refused
	maxFeedBytes       = 16 << 20 // so is a larger revocation feed
	fetchTimeout       = 10 * time.Second
	minRetry           = time.Second
	maxRetry           = time.Minute
	unknownKeyInterval = 30 * time.Second
)

// document is one document the plugin keeps fresh: the JWKS or the
// revocation feed. Its methods run on the VM's only thread.
type document struct {
	name    string // for logs: "jwks" or "revocations"
	cluster string
	headers [][2]string // the GET request, without If-None-Match
	refresh time.Duration
	max     int                // body size limit
	apply   func([]byte) error // Validator.SetKeys or SetRevocations

	loaded   bool      // a document has been applied
	etag     string    // of the applied document
	next     time.Time // when the next fetch is due
	sent     time.Time // when the last fetch started
	inflight bool
	failures int // consecutive
}

// newDocument returns a document fetched from rawURL through cluster. The
// first fetch is due at once.
func newDocument(name, rawURL, cluster string, refresh time.Duration, max int, apply func([]byte) error) (*document, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("policy: " + name + "_url: " + err.Error())
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, errors.New("policy: " + name + "_url: want http(s)://host/path without user info")
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return &document{
		name: name, cluster: cluster, refresh: refresh, max: max, apply: apply,
		headers: [][2]string{
			{":method", "GET"}, {":path", path}, {":authority", u.Host},
			{"accept", "application/json"}, {"user-agent", "tollgate-envoy"},
		},
	}, nil
}

// poll starts a fetch if one is due and none is in flight. A fetch whose
// answer never came (Envoy always answers, with no headers on a timeout) is
// given up after twice the timeout.
func (d *document) poll(now time.Time) {
	if d.inflight {
		if now.Sub(d.sent) < 2*fetchTimeout {
			return
		}
		d.inflight = false
		d.fail(now, "no answer")
	}
	if now.Before(d.next) {
		return
	}
	hdrs := d.headers
	if d.loaded && d.etag != "" {
		hdrs = append(hdrs[:len(hdrs):len(hdrs)], [2]string{"if-none-match", d.etag})
	}
	d.sent = now
	if _, err := proxywasm.DispatchHttpCall(d.cluster, hdrs, nil, nil, uint32(fetchTimeout/time.Millisecond), d.onResponse); err != nil {
		d.fail(now, "dispatch to cluster "+strconv.Quote(d.cluster)+": "+err.Error())
		return
	}
	d.inflight = true
}

// expedite brings the next fetch forward to the next tick, unless a fetch
// started less than unknownKeyInterval ago: a token signed with a key the
// issuer just rotated in should not wait for the refresh, and random kids
// must not turn into a fetch storm.
func (d *document) expedite(now time.Time) {
	if d.inflight || now.Sub(d.sent) < unknownKeyInterval {
		return
	}
	if d.next.After(now) {
		d.next = now
	}
}

// onResponse is the DispatchHttpCall callback.
func (d *document) onResponse(_, bodySize, _ int) {
	now := time.Now()
	d.inflight = false
	defer func() {
		if r := recover(); r != nil {
			d.fail(now, "recovered: "+errString(r))
		}
	}()
	hdrs, err := proxywasm.GetHttpCallResponseHeaders()
	if err != nil {
		d.fail(now, "no answer: "+err.Error())
		return
	}
	status := headerValue(hdrs, ":status")
	switch {
	case status == "304" && d.loaded && d.etag != "": // we sent If-None-Match
		d.succeed(now)
		return
	case status != "200":
		d.fail(now, "status "+strconv.Quote(status))
		return
	case bodySize > d.max:
		d.fail(now, "document of "+strconv.Itoa(bodySize)+" bytes is over the limit of "+strconv.Itoa(d.max))
		return
	}
	var body []byte
	if bodySize > 0 {
		if body, err = proxywasm.GetHttpCallResponseBody(0, bodySize); err != nil {
			d.fail(now, "read body: "+err.Error())
			return
		}
	}
	if err := d.apply(body); err != nil {
		d.fail(now, "rejected: "+err.Error())
		return
	}
	if !d.loaded {
		proxywasm.LogInfof("tollgate: %s loaded through cluster %q", d.name, d.cluster)
	}
	d.loaded, d.etag = true, headerValue(hdrs, "etag")
	d.succeed(now)
}

func (d *document) succeed(now time.Time) {
	d.failures = 0
	d.next = now.Add(d.refresh)
}

// fail schedules a retry, 1 s doubling to 60 s (at most the refresh period),
// and logs the reason. The last good document stays in force.
func (d *document) fail(now time.Time, reason string) {
	d.failures++
	wait := maxRetry
	if d.failures <= 6 {
		wait = minRetry << (d.failures - 1)
	}
	wait = min(wait, maxRetry, d.refresh)
	d.next = now.Add(wait)
	stale := "none loaded yet"
	if d.loaded {
		stale = "keeping the last good one"
	}
	proxywasm.LogWarnf("tollgate: fetch %s through cluster %q: %s (%s; retry in %s)", d.name, d.cluster, reason, stale, wait)
}

// headerValue returns the first value of the lower-case header name.
func headerValue(hdrs [][2]string, name string) string {
	for _, h := range hdrs {
		if asciiEqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// errString describes a recovered panic value.
func errString(r any) string {
	switch e := r.(type) {
	case error:
		return e.Error()
	case string:
		return e
	}
	return "panic"
}
