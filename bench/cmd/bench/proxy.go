package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tollgate/tollgate/bench"
)

// runProxy compares the upstream alone ("direct"), a byte relay in front of
// it ("relay": the extra hop with no HTTP work), a reverse proxy without
// authorization ("passthrough": the hop and the HTTP forwarding), and `edge proxy` in
// front of it, answering from its cache ("edge-cached": one token) or
// verifying every request ("edge-uncached": c.proxyTokens distinct ES256
// tokens, far more than the edge's 1024-entry cache), at each concurrency.
// Scenarios take turns in c.proxyRounds short rounds per concurrency, so
// that drift in the machine's load hits all of them alike.
func runProxy(ctx context.Context, c *config, fix *bench.Fixture, tmp string, res *bench.Results) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var procs []*bench.Process
	defer func() {
		for _, p := range procs {
			p.Stop()
		}
	}()
	// serve starts `bench CMD --listen ADDR args...` on a free address and
	// waits until it answers HTTP.
	serve := func(cmd string, args ...string) (*bench.Process, string, error) {
		addr, err := bench.FreeAddr()
		if err != nil {
			return nil, "", err
		}
		p, err := bench.Start(cmd, "", nil, self, append([]string{cmd, "--listen", addr}, args...)...)
		if err != nil {
			return nil, "", err
		}
		procs = append(procs, p)
		return p, addr, p.WaitHTTP(ctx, "http://"+addr+"/", 10*time.Second)
	}
	up, upAddr, err := serve("upstream")
	if err != nil {
		return err
	}
	pt, ptAddr, err := serve("passthrough", "--upstream", upAddr)
	if err != nil {
		return err
	}
	rl, rlAddr, err := serve("relay", "--upstream", upAddr)
	if err != nil {
		return err
	}

	policy := filepath.Join(tmp, "policy.json")
	if err := os.WriteFile(policy, fix.Policy(nil), 0o644); err != nil {
		return err
	}
	edgeAddr, err := bench.FreeAddr()
	if err != nil {
		return err
	}
	adminAddr, err := bench.FreeAddr()
	if err != nil {
		return err
	}
	edge, err := bench.Start("edge", "", nil, filepath.Join(c.bin, "edge"), "proxy",
		"--listen", edgeAddr, "--upstream", "http://"+upAddr, "--policy", policy, "--admin-listen", adminAddr)
	if err != nil {
		return err
	}
	defer edge.Stop()
	res.Commands = append(res.Commands, up.Command()+" &", rl.Command()+" &", pt.Command()+" &", edge.Command()+" &")
	if err := edge.WaitHTTP(ctx, "http://"+adminAddr+"/healthz", 60*time.Second); err != nil {
		return err
	}

	log.Printf("minting %d ES256 tokens for the uncached runs", c.proxyTokens)
	one, err := fix.Mint("ES256")
	if err != nil {
		return err
	}
	many, err := mintMany(fix, c.proxyTokens)
	if err != nil {
		return err
	}
	metrics := "http://" + adminAddr + "/metrics"
	res.Commands = append(res.Commands, fmt.Sprintf("# in process: %d rounds of bench.Load{Conns: %v, Warmup: %v, Duration: %v} GET %s against direct, relay, passthrough, edge-cached (1 token), edge-uncached (%d tokens) in turn",
		c.proxyRounds, c.proxyConns, c.proxyWarmup, c.proxyDuration, bench.Path, c.proxyTokens))
	type scenario struct {
		name, addr string
		tokens     [][]byte
		server     *bench.Process
		sample     bench.Sample
		hits, miss float64
	}
	for _, conns := range c.proxyConns {
		scs := []*scenario{
			{name: "direct", addr: upAddr, tokens: [][]byte{one}, server: up},
			{name: "relay", addr: rlAddr, tokens: [][]byte{one}, server: rl},
			{name: "passthrough", addr: ptAddr, tokens: [][]byte{one}, server: pt},
			{name: "edge-cached", addr: edgeAddr, tokens: [][]byte{one}, server: edge},
			{name: "edge-uncached", addr: edgeAddr, tokens: many, server: edge},
		}
		// Short rounds, every scenario in turn: drift in the machine's load
		// reaches all of them alike, and the samples of the rounds pool.
		for range c.proxyRounds {
			for _, sc := range scs {
				h0, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_hits_total")
				m0, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_misses_total")
				// Each round continues through the tokens where the last
				// stopped: a new round must not meet tokens still cached.
				s, err := bench.Load{Addr: sc.addr, Path: bench.Path, Conns: conns, Warmup: c.proxyWarmup,
					Duration: c.proxyDuration, Tokens: sc.tokens, FirstToken: sc.sample.Sent, ServerPID: sc.server.Pid()}.Sample(ctx)
				if err != nil {
					return err
				}
				if s.Errors > 0 || s.Non2xx > 0 {
					return fmt.Errorf("%s c=%d: %d errors, %d non-2xx answers", sc.name, conns, s.Errors, s.Non2xx)
				}
				h1, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_hits_total")
				m1, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_misses_total")
				if sc.addr == edgeAddr {
					sc.hits, sc.miss = sc.hits+h1-h0, sc.miss+m1-m0
				}
				sc.sample.Add(s)
			}
		}
		for _, sc := range scs {
			lat := sc.sample.Summary()
			run := bench.ProxyRun{Name: sc.name, Conns: conns, Tokens: len(sc.tokens), Latency: lat, CacheHits: sc.hits, CacheMisses: sc.miss}
			log.Printf("proxy %-13s c=%-3d p50 %7.1f µs  p99 %7.1f µs  %8.0f req/s  server CPU %5.1f µs/req", sc.name, conns, lat.P50US, lat.P99US, lat.RPS, lat.ServerCPUUS)
			res.Proxy = append(res.Proxy, run)
		}
	}
	return nil
}

// mintMany mints n ES256 tokens on every CPU.
func mintMany(fix *bench.Fixture, n int) ([][]byte, error) {
	toks := make([][]byte, n)
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if toks[i], errs[w] = fix.Mint("ES256"); errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return toks, errors.Join(errs...)
}
