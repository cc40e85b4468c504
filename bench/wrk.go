package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Wrk is one run of wrk (https://github.com/wg/wrk, Debian's package)
// sending the same POST again and again: a token request.
type Wrk struct {
	Path     string // the wrk binary; default "wrk"
	URL      string
	Threads  int
	Conns    int
	Duration time.Duration
	// Headers and Body make the request POST when Body is not empty.
	Headers map[string]string
	Body    string
}

// Run writes the request as a Lua script into dir, runs wrk and parses its
// report.
func (w Wrk) Run(ctx context.Context, dir string) (WrkResult, error) {
	bin := w.Path
	if bin == "" {
		bin = "wrk"
	}
	args := []string{"-t", strconv.Itoa(max(w.Threads, 1)), "-c", strconv.Itoa(max(w.Conns, 1)),
		"-d", fmt.Sprintf("%ds", int(w.Duration.Seconds())), "--latency"}
	if w.Body != "" {
		script := filepath.Join(dir, "post.lua")
		if err := os.WriteFile(script, []byte(w.lua()), 0o644); err != nil {
			return WrkResult{}, err
		}
		args = append(args, "-s", script)
	}
	args = append(args, w.URL)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return WrkResult{}, fmt.Errorf("bench: wrk: %w\n%s", err, out)
	}
	r, err := ParseWrk(string(out))
	r.Command = bin + " " + strings.Join(args, " ")
	if w.Body != "" {
		r.Script = w.redacted().lua()
	}
	return r, err
}

// lua returns the wrk script that sets method, headers and body.
func (w Wrk) lua() string {
	var b strings.Builder
	b.WriteString("wrk.method = \"POST\"\n")
	fmt.Fprintf(&b, "wrk.body = %q\n", w.Body)
	keys := make([]string, 0, len(w.Headers))
	for k := range w.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, w.Headers[k])
	}
	return b.String()
}

// redacted returns w with the Authorization header's credentials elided.
func (w Wrk) redacted() Wrk {
	h := make(map[string]string, len(w.Headers))
	for k, v := range w.Headers {
		if strings.EqualFold(k, "Authorization") {
			scheme, _, _ := strings.Cut(v, " ")
			v = scheme + " <client_id:client_secret>"
		}
		h[k] = v
	}
	w.Headers = h
	return w
}

// ParseWrk reads wrk's text report (run with --latency).
func ParseWrk(out string) (WrkResult, error) {
	r := WrkResult{Output: out}
	var haveRPS, haveP50 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	inDist := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "Latency" && len(f) >= 4 && f[1] != "Distribution":
			r.MeanUS, _ = wrkDuration(f[1])
			r.MaxUS, _ = wrkDuration(f[3])
		case f[0] == "Latency" && len(f) >= 2 && f[1] == "Distribution":
			inDist = true
			continue
		case inDist && strings.HasSuffix(f[0], "%") && len(f) == 2:
			v, err := wrkDuration(f[1])
			if err != nil {
				return r, err
			}
			switch f[0] {
			case "50%", "50.000%":
				r.P50US, haveP50 = v, true
			case "75%", "75.000%":
				r.P75US = v
			case "90%", "90.000%":
				r.P90US = v
			case "99%", "99.000%":
				r.P99US = v
			}
			continue
		case len(f) >= 5 && f[1] == "requests" && f[2] == "in":
			r.Requests, _ = strconv.Atoi(f[0])
			if d, err := time.ParseDuration(strings.TrimSuffix(f[3], ",")); err == nil {
				r.Seconds = d.Seconds()
			}
		case f[0] == "Non-2xx" && len(f) >= 5:
			r.Non2xx, _ = strconv.Atoi(f[len(f)-1])
		case f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for i := 2; i+1 < len(f); i += 2 {
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i+1], ","))
				r.Errors += n
			}
		case f[0] == "Requests/sec:" && len(f) == 2:
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("%w: wrk Requests/sec %q", ErrParse, f[1])
			}
			r.RPS, haveRPS = v, true
		}
		inDist = false
	}
	if !haveRPS || !haveP50 {
		return r, fmt.Errorf("%w: wrk report without Requests/sec or latency distribution", ErrParse)
	}
	return r, nil
}

// wrkDuration converts wrk's "812.00us", "3.47ms", "1.02s" or "2.00m" to
// microseconds.
func wrkDuration(s string) (float64, error) {
	units := []struct {
		suffix string
		us     float64
	}{{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}}
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				break
			}
			return f * u.us, nil
		}
	}
	return 0, fmt.Errorf("%w: wrk duration %q", ErrParse, s)
}
