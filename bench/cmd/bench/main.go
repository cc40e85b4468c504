// Command bench runs Tollgate's benchmark suite end to end on this machine
// and writes the raw numbers to bench/results/<UTC time>.json:
//
//   - the Go benchmarks of package bench (validation per implementation and
//     algorithm, raw signature checks, the guest's allocations, module
//     start and memory), run with -count for benchstat;
//   - proxy latency: `edge proxy` in front of a trivial upstream against the
//     upstream alone, cached and uncached tokens, closed-loop on loopback;
//   - issuer throughput: `issuer serve`, the fosite peer and the npm
//     oidc-provider peer under the same wrk load, a bbolt write check, and
//     the authorization code + PKCE flow.
//
// `make bench` runs it through scripts/bench.sh, which installs wrk, the
// peers' dependencies and benchstat first, then renders bench/REPORT.md
// with bench/cmd/report. `bench upstream --listen ADDR` is the trivial
// upstream it starts for the proxy runs, and `bench passthrough --listen
// ADDR --upstream HOST:PORT` a reverse proxy without authorization, to
// separate the cost of an extra hop from that of validation; `bench relay
// --listen ADDR --upstream HOST:PORT` copies bytes without reading HTTP, the
// hop's floor.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tollgate/tollgate/bench"
)

type config struct {
	root, bin, out string
	fositeBin      string

	count     int
	benchtime string
	goBench   string

	proxyConns    []int
	proxyRounds   int
	proxyTokens   int
	proxyWarmup   time.Duration
	proxyDuration time.Duration

	wrkThreads, wrkConns int
	wrkRounds            int
	wrkWarmup, wrkDur    time.Duration

	flows int
	skip  map[string]bool
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "upstream":
			os.Exit(runUpstream(os.Args[2:]))
		case "passthrough":
			os.Exit(runPassthrough(os.Args[2:]))
		case "relay":
			os.Exit(runRelay(os.Args[2:]))
		}
	}
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench: ")
	var c config
	var conns, skip string
	flag.StringVar(&c.root, "root", bench.RepoRoot(), "repository root")
	flag.StringVar(&c.bin, "bin", "", "directory of the built issuer and edge (default ROOT/bin)")
	flag.StringVar(&c.out, "out", "", "results directory (default ROOT/bench/results)")
	flag.StringVar(&c.fositeBin, "fosite-bin", "", "built fosite peer (default: build bench/peers/fosite)")
	flag.IntVar(&c.count, "count", 6, "rounds of the Go benchmarks, each running every benchmark once (benchstat wants ≥ 6)")
	flag.StringVar(&c.benchtime, "benchtime", "200ms", "go test -benchtime")
	flag.StringVar(&c.goBench, "go-bench", ".", "go test -bench pattern")
	flag.StringVar(&conns, "proxy-conns", "1,16", "concurrent connections of the proxy runs")
	flag.IntVar(&c.proxyTokens, "proxy-tokens", 25000, "distinct tokens of the uncached proxy runs (≫ the edge cache's 1024)")
	flag.IntVar(&c.proxyRounds, "proxy-rounds", 5, "rounds of the proxy runs, every scenario in turn; their samples pool")
	flag.DurationVar(&c.proxyWarmup, "proxy-warmup", 300*time.Millisecond, "unrecorded warm-up of each proxy run")
	flag.DurationVar(&c.proxyDuration, "proxy-duration", time.Second, "recorded time of each proxy run (per round)")
	flag.IntVar(&c.wrkThreads, "wrk-threads", 2, "wrk -t")
	flag.IntVar(&c.wrkConns, "wrk-conns", 64, "wrk -c")
	flag.DurationVar(&c.wrkWarmup, "wrk-warmup", 2*time.Second, "unrecorded wrk run warming each server up")
	flag.DurationVar(&c.wrkDur, "wrk-duration", 3*time.Second, "wrk -d of each measured run")
	flag.IntVar(&c.wrkRounds, "wrk-rounds", 6, "measured wrk runs per server, interleaved across servers (short and many: the pairs of a round see the same machine load)")
	flag.IntVar(&c.flows, "flows", 10, "authorization code flows to time")
	flag.StringVar(&skip, "skip", "", "comma-separated sections to skip: go, proxy, issuers")
	flag.Parse()
	if c.bin == "" {
		c.bin = filepath.Join(c.root, "bin")
	}
	if c.out == "" {
		c.out = filepath.Join(c.root, "bench", "results")
	}
	for _, s := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("-proxy-conns: %q", s)
		}
		c.proxyConns = append(c.proxyConns, n)
	}
	c.skip = map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.skip[s] = true
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	path, err := run(ctx, &c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(path)
}

// run runs every section not skipped and writes the results file. A
// section that fails is recorded as a note; the others still run.
func run(ctx context.Context, c *config) (string, error) {
	res := &bench.Results{Schema: bench.SchemaVersion, Started: time.Now().UTC(), Machine: bench.ReadMachine()}
	res.Machine.LoadAvgStart = bench.LoadAvg()
	res.Modules = bench.DescribeModules()
	tmp, err := os.MkdirTemp("", "tollgate-bench-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return "", err
	}
	note := func(section string, err error) {
		log.Printf("%s: %v", section, err)
		res.Notes = append(res.Notes, section+": "+err.Error())
	}

	if !c.skip["go"] {
		if err := runGoBench(ctx, c, tmp, res); err != nil {
			note("go benchmarks", err)
		}
	}
	var fix *bench.Fixture
	if !c.skip["proxy"] {
		if fix, err = bench.NewFixture(tmp); err != nil {
			return "", err
		}
		defer func() { _ = fix.Close() }()
		if err := runProxy(ctx, c, fix, tmp, res); err != nil {
			note("proxy latency", err)
		}
	}
	if !c.skip["issuers"] {
		runIssuers(ctx, c, tmp, res, note)
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}

	res.Finished = time.Now().UTC()
	res.Machine.LoadAvgEnd = bench.LoadAvg()
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(c.out, res.Started.Format("2006-01-02T150405Z")+".json")
	return path, os.WriteFile(path, append(b, '\n'), 0o644)
}
