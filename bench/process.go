package bench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is a server a benchmark started: the issuer, a peer, the edge
// proxy or the upstream. Its output is kept for error reports.
type Process struct {
	Name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// Start starts bin with args in dir (empty: the working directory) and
// the environment plus env.
func Start(name, dir string, env []string, bin string, args ...string) (*Process, error) {
	p := &Process{Name: name, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// Command returns the command line, for the report, prefixed with a cd
// when the process runs in another directory.
func (p *Process) Command() string {
	line := strings.Join(p.cmd.Args, " ")
	if p.cmd.Dir != "" {
		line = "cd " + p.cmd.Dir + " && " + line
	}
	return line
}

// Output returns what the process printed so far.
func (p *Process) Output() string { return p.out.String() }

// Pid returns the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// WaitHTTP polls url until it answers with a status below 500, the process
// exits, or timeout passes.
func (p *Process) WaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%w: %s exited (%v):\n%s", ErrNotReady, p.Name, p.err, p.Output())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %s at %s after %v:\n%s", ErrNotReady, p.Name, url, timeout, p.Output())
		}
	}
}

// Stop sends SIGTERM and waits up to 10 s, then kills the process.
func (p *Process) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// FreeAddr returns a loopback address that was free a moment ago.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 { // keep the start; servers under load may log a lot
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// WaitIdle waits until the process uses less than 5 % of a CPU over a
// 200 ms window (a server still draining the requests a load generator
// left queued would steal CPU from the next measurement), for at most max.
// It reports whether the process went idle; where /proc is unavailable it
// returns false at once.
func (p *Process) WaitIdle(max time.Duration) bool {
	const window = 200 * time.Millisecond
	deadline := time.Now().Add(max)
	prev, ok := cpuTime(p.Pid())
	if !ok {
		return false
	}
	for time.Now().Before(deadline) {
		time.Sleep(window)
		cur, ok := cpuTime(p.Pid())
		if !ok {
			return false
		}
		if cur-prev < window/20 {
			return true
		}
		prev = cur
	}
	return false
}

// cpuTime returns the user plus system CPU time pid has used, from
// /proc/PID/stat (all its threads).
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are
	// counted from the closing parenthesis. utime and stime are fields 14
	// and 15, in clock ticks (100 per second on Linux).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}
