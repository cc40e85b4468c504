package issuer

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestMetrics(t *testing.T) {
	h := newHarness(t, Config{ClientRateLimit: RateLimit{Rate: 0.001, Burst: 2}, AddrRateLimit: RateLimit{Rate: 1000, Burst: 1000}})
	tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}))
	tokenOK(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}))
	wantError(t, h.do(t, request{auth: basic(svcID, svcSecret), body: "grant_type=client_credentials"}), fasthttp.StatusTooManyRequests, CodeTemporarilyUnavailable)
	wantError(t, h.do(t, request{auth: basic(svcID, "wrong"), body: "grant_type=client_credentials"}), fasthttp.StatusUnauthorized, CodeInvalidClient)
	h.do(t, request{method: "GET", path: "/nowhere"})
	h.do(t, request{method: "GET", path: "/o/.well-known/jwks.json"})

	var b bytes.Buffer
	if err := h.srv.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`tollgate_issuer_requests_total{path="/o/token/",code="200"} 2`,
		`tollgate_issuer_requests_total{path="/o/token/",code="429"} 1`,
		`tollgate_issuer_requests_total{path="/o/token/",code="401"} 1`,
		`tollgate_issuer_requests_total{path="other",code="404"} 1`,
		`tollgate_issuer_requests_total{path="/o/.well-known/jwks.json",code="200"} 1`,
		`tollgate_issuer_request_duration_seconds_count{path="/o/token/"} 4`,
		`tollgate_issuer_tokens_issued_total{grant_type="client_credentials"} 2`,
		`tollgate_issuer_tokens_issued_total{grant_type="refresh_token"} 0`,
		`tollgate_issuer_rate_limited_total{limit="client"} 1`,
		`tollgate_issuer_rate_limited_total{limit="address"} 0`,
		"# TYPE tollgate_issuer_request_duration_seconds histogram",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(b.String(), `path="/o/userinfo/"`) {
		t.Error("a route never requested has samples")
	}
}

func TestHealthy(t *testing.T) {
	h := newHarness(t, Config{})
	if err := h.srv.Healthy(); err != nil {
		t.Fatalf("Healthy = %v", err)
	}
	h.signer.fail.Store(true)
	if err := h.srv.Healthy(); err == nil {
		t.Fatal("Healthy with a failing signer = nil")
	}
	h.signer.fail.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Healthy(); !errors.Is(err, errShuttingDown) {
		t.Fatalf("Healthy after Shutdown = %v, want errShuttingDown", err)
	}
}
