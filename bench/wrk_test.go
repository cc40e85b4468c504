package bench

import (
	"errors"
	"strings"
	"testing"
)

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want WrkResult // Output not compared
		err  error
	}{
		{
			name: "report with non-2xx and socket errors",
			out: `Running 10s test @ http://127.0.0.1:9000/o/token/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.81ms    2.02ms  31.29ms   75.33%
    Req/Sec     8.52k   565.24     9.72k    72.00%
  Latency Distribution
     50%  812.00us
     75%    4.76ms
     90%    6.21ms
     99%    1.02s
  169550 requests in 10.00s, 134.36MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:  16951.77
Transfer/sec:     13.43MB
`,
			want: WrkResult{Requests: 169550, Seconds: 10, RPS: 16951.77, Non2xx: 12, Errors: 5,
				MeanUS: 3810, MaxUS: 31290, P50US: 812, P75US: 4760, P90US: 6210, P99US: 1.02e6},
		},
		{
			name: "clean report",
			out: `Running 1s test @ http://127.0.0.1:18777/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.64ms    1.70ms   8.78ms   85.92%
    Req/Sec     1.36k   154.17     1.60k    70.00%
  Latency Distribution
     50%    0.95ms
     75%    1.66ms
     90%    4.32ms
     99%    8.02ms
  1356 requests in 1.00s, 545.58KB read
Requests/sec:   1355.31
Transfer/sec:    545.30KB
`,
			want: WrkResult{Requests: 1356, Seconds: 1, RPS: 1355.31, MeanUS: 1640, MaxUS: 8780, P50US: 950, P75US: 1660, P90US: 4320, P99US: 8020},
		},
		{name: "no latency distribution", out: "Requests/sec:   1355.31\n", err: ErrParse},
		{name: "garbage", out: "wrk: connection refused\n", err: ErrParse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWrk(tt.out)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				return
			}
			got.Output = ""
			if !wrkEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// wrkEqual compares WrkResults with a tolerance for float rounding.
func wrkEqual(a, b WrkResult) bool {
	eq := func(x, y float64) bool { d := x - y; return d < 1e-6*max(1, y) && d > -1e-6*max(1, y) }
	return a.Requests == b.Requests && a.Non2xx == b.Non2xx && a.Errors == b.Errors &&
		eq(a.Seconds, b.Seconds) && eq(a.RPS, b.RPS) && eq(a.MeanUS, b.MeanUS) && eq(a.MaxUS, b.MaxUS) &&
		eq(a.P50US, b.P50US) && eq(a.P75US, b.P75US) && eq(a.P90US, b.P90US) && eq(a.P99US, b.P99US)
}

func TestWrkScriptRedactsCredentials(t *testing.T) {
	w := Wrk{Body: "grant_type=client_credentials", Headers: map[string]string{
		"Authorization": BasicAuth("id", "s3cret"), "Content-Type": "application/x-www-form-urlencoded"}}
	full, red := w.lua(), w.redacted().lua()
	if !strings.Contains(full, BasicAuth("id", "s3cret")) {
		t.Errorf("script lacks the credentials:\n%s", full)
	}
	if strings.Contains(red, BasicAuth("id", "s3cret")) || !strings.Contains(red, `"Basic <client_id:client_secret>"`) {
		t.Errorf("redacted script:\n%s", red)
	}
	if !strings.HasPrefix(red, "wrk.method = \"POST\"\nwrk.body = \"grant_type=client_credentials\"\nwrk.headers[\"Authorization\"]") {
		t.Errorf("script not in fixed order:\n%s", red)
	}
}
