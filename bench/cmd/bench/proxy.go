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

// runProxy compares the upstream alone ("direct"), a reverse proxy without
// authorization in front of it ("passthrough": the hop alone), and `edge proxy` in
// front of it, answering from its cache ("edge-cached": one token) or
// verifying every request ("edge-uncached": c.proxyTokens distinct ES256
// tokens, far more than the edge's 1024-entry cache), at each concurrency.
// Scenarios are interleaved per concurrency so that drift in the machine's
// load hits all three alike.
func runProxy(ctx context.Context, c *config, fix *bench.Fixture, tmp string, res *bench.Results) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	upAddr, err := bench.FreeAddr()
	if err != nil {
		return err
	}
	up, err := bench.Start("upstream", "", nil, self, "upstream", "--listen", upAddr)
	if err != nil {
		return err
	}
	defer up.Stop()
	if err := up.WaitHTTP(ctx, "http://"+upAddr+"/", 10*time.Second); err != nil {
		return err
	}

	ptAddr, err := bench.FreeAddr()
	if err != nil {
		return err
	}
	pt, err := bench.Start("passthrough", "", nil, self, "passthrough", "--listen", ptAddr, "--upstream", upAddr)
	if err != nil {
		return err
	}
	defer pt.Stop()
	if err := pt.WaitHTTP(ctx, "http://"+ptAddr+"/", 10*time.Second); err != nil {
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
	res.Commands = append(res.Commands, up.Command()+" &", pt.Command()+" &", edge.Command()+" &")
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
	res.Commands = append(res.Commands, fmt.Sprintf("# in process: bench.Load{Conns: %v, Warmup: %v, Duration: %v} GET %s against direct, passthrough, edge-cached (1 token), edge-uncached (%d tokens)",
		c.proxyConns, c.proxyWarmup, c.proxyDuration, bench.Path, c.proxyTokens))
	for _, conns := range c.proxyConns {
		for _, sc := range []struct {
			name, addr string
			tokens     [][]byte
		}{
			{"direct", upAddr, [][]byte{one}},
			{"passthrough", ptAddr, [][]byte{one}},
			{"edge-cached", edgeAddr, [][]byte{one}},
			{"edge-uncached", edgeAddr, many},
		} {
			h0, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_hits_total")
			m0, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_misses_total")
			lat, err := bench.Load{Addr: sc.addr, Path: bench.Path, Conns: conns,
				Warmup: c.proxyWarmup, Duration: c.proxyDuration, Tokens: sc.tokens}.Run(ctx)
			if err != nil {
				return err
			}
			if lat.Errors > 0 || lat.Non2xx > 0 {
				return fmt.Errorf("%s c=%d: %d errors, %d non-2xx answers", sc.name, conns, lat.Errors, lat.Non2xx)
			}
			h1, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_hits_total")
			m1, _ := bench.ScrapeMetric(ctx, metrics, "tollgate_edge_cache_misses_total")
			run := bench.ProxyRun{Name: sc.name, Conns: conns, Tokens: len(sc.tokens), Latency: lat}
			if sc.addr == edgeAddr {
				run.CacheHits, run.CacheMisses = h1-h0, m1-m0
			}
			log.Printf("proxy %-13s c=%-3d p50 %7.1f µs  p99 %7.1f µs  %8.0f req/s", sc.name, conns, lat.P50US, lat.P99US, lat.RPS)
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
