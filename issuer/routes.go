package issuer

import (
	"errors"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tollgate/tollgate/internal/linger"
	"github.com/valyala/fasthttp"
)

// route is one path's handler and the methods it answers.
type route struct {
	methods []string
	allow   string // the Allow header of a 405
	h       fasthttp.RequestHandler
	metric  int // index in metrics.paths
	cors    int // corsNone, corsPublic or corsClient
}

// handle registers h for the exact path (after fasthttp's normalization) and
// methods; GET implies HEAD. Later flows add their endpoints here, in New.
// It must not be called once the server is serving. The route is returned
// so that its CORS mode can be set.
func (s *Server) handle(path string, h fasthttp.RequestHandler, methods ...string) *route {
	for _, m := range methods {
		if m == fasthttp.MethodGet && !contains(methods, fasthttp.MethodHead) {
			methods = append(methods, fasthttp.MethodHead)
			break
		}
	}
	r := &route{methods: methods, allow: strings.Join(methods, ", "), h: h}
	if old := s.routes[path]; old != nil {
		r.metric = old.metric
	} else if s.metrics == nil { // routes added after New count as "other"
		r.metric = len(s.metricPaths)
		s.metricPaths = append(s.metricPaths, path)
	}
	s.routes[path] = r
	return r
}

// path returns the route path of an endpoint below the issuer's path:
// path("token/") is "/o/token/".
func (s *Server) path(rel string) string { return s.prefix + "/" + rel }

func (r *route) allows(method []byte) bool {
	for _, m := range r.methods {
		if string(method) == m {
			return true
		}
	}
	return false
}

// serve dispatches a request: 404 for an unknown path, a CORS preflight
// answered for the route, 405 with Allow for a method the route does not
// answer, and a recovered 500 for a panic.
func (s *Server) serve(ctx *fasthttp.RequestCtx) {
	start := time.Now()
	r := s.routes[string(ctx.Path())]
	defer s.observe(ctx, r, start) // after recoverPanic has set a 500
	defer s.recoverPanic(ctx)
	if r == nil {
		writeError(ctx, &Error{Code: CodeNotFound, Description: "no such endpoint"})
		return
	}
	if s.cors(ctx, r) {
		return
	}
	if !r.allows(ctx.Method()) {
		ctx.Response.Header.Set(fasthttp.HeaderAllow, r.allow)
		writeError(ctx, &Error{Code: CodeInvalidRequest, Description: "method not allowed", Status: fasthttp.StatusMethodNotAllowed})
		return
	}
	r.h(ctx)
}

// observe counts the answer to a request of route r (nil: unknown path).
func (s *Server) observe(ctx *fasthttp.RequestCtx, r *route, start time.Time) {
	i := 0
	if r != nil {
		i = r.metric
	}
	s.metrics.observe(i, ctx.Response.StatusCode(), time.Since(start))
}

// recoverPanic turns a handler panic into a logged 500 server_error, so the
// process survives (fasthttp recovers nothing) and the client still gets a
// spec-shaped body.
func (s *Server) recoverPanic(ctx *fasthttp.RequestCtx) {
	v := recover()
	if v == nil {
		return
	}
	s.log.Error("issuer: panic in handler",
		"method", string(ctx.Method()), "path", string(ctx.Path()),
		"panic", v, "stack", string(debug.Stack()))
	ctx.Response.Reset()
	writeError(ctx, errServer("internal error"))
}

// onReadError answers a request fasthttp could not read, in the same JSON
// shape as everything else.
func (s *Server) onReadError(ctx *fasthttp.RequestCtx, err error) {
	linger.OnClose(ctx.Conn()) // fasthttp closes the connection with input unread
	defer s.observe(ctx, nil, time.Now())
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		writeError(ctx, &Error{Code: CodeInvalidRequest, Description: "request body too large", Status: fasthttp.StatusRequestEntityTooLarge})
	case errors.As(err, &small):
		writeError(ctx, &Error{Code: CodeInvalidRequest, Description: "request header too large", Status: fasthttp.StatusRequestHeaderFieldsTooLarge})
	case errors.As(err, &netErr) && netErr.Timeout():
		writeError(ctx, &Error{Code: CodeInvalidRequest, Description: "request timeout", Status: fasthttp.StatusRequestTimeout})
	default:
		writeError(ctx, errInvalidRequest("malformed HTTP request"))
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
