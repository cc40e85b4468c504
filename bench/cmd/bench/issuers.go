package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tollgate/tollgate/bench"
)

// tokenBody is the client_credentials request every server gets.
const tokenBody = "grant_type=client_credentials&scope=read+write+admin"

// peer is one token endpoint under comparison.
type peer struct {
	name, version string
	// start starts the server and returns it with its token URL and the
	// client's credentials.
	start func(ctx context.Context) (p *bench.Process, tokenURL, id, secret string, err error)

	proc *bench.Process
	wrk  bench.Wrk // the load, once started
	run  bench.IssuerRun
}

// runIssuers starts Tollgate's issuer and the peers side by side, warms
// each up, then measures them in c.wrkRounds interleaved rounds under the
// same wrk load (an idle server costs nothing, so each round's turn sees
// the machine as the others' turns do). Finally it times the
// authorization code flow against Tollgate's issuer.
func runIssuers(ctx context.Context, c *config, tmp string, res *bench.Results, note func(string, error)) {
	db := filepath.Join(tmp, "issuer.db")
	issuerBin := filepath.Join(c.bin, "issuer")
	var issuerURL string
	peers := []*peer{
		{name: "tollgate", version: "this tree", start: func(ctx context.Context) (*bench.Process, string, string, string, error) {
			addr, err := bench.FreeAddr()
			if err != nil {
				return nil, "", "", "", err
			}
			var creds struct {
				ID     string `json:"client_id"`
				Secret string `json:"client_secret"`
			}
			args := []string{"client", "add", "--db", db, "--name", "bench", "--grant", "client_credentials",
				"--scope", "read write admin", "--audience", bench.Audience, "--json"}
			out, err := cli(issuerBin, "", args...)
			if err != nil {
				return nil, "", "", "", err
			}
			res.Commands = append(res.Commands, issuerBin+" "+strings.Join(quoteArgs(args), " "))
			if err := json.Unmarshal(out, &creds); err != nil {
				return nil, "", "", "", fmt.Errorf("client add printed %q: %w", out, err)
			}
			p, err := bench.Start("tollgate issuer", "", nil, issuerBin, "serve", "--addr", addr, "--db", db,
				"--audience", bench.Audience, "--insecure-no-rate-limit")
			if err != nil {
				return nil, "", "", "", err
			}
			issuerURL = "http://" + addr + "/o"
			if err := p.WaitHTTP(ctx, issuerURL+"/.well-known/openid-configuration", 30*time.Second); err != nil {
				return p, "", "", "", err
			}
			return p, issuerURL + "/token/", creds.ID, creds.Secret, nil
		}},
		{name: "fosite", version: fositeVersion(c.root), start: func(ctx context.Context) (*bench.Process, string, string, string, error) {
			dir := filepath.Join(c.root, "bench", "peers", "fosite")
			bin := c.fositeBin
			if bin == "" {
				bin = filepath.Join(tmp, "fosite-peer")
				build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
				build.Dir = dir
				if out, err := build.CombinedOutput(); err != nil {
					return nil, "", "", "", fmt.Errorf("go build (in %s): %w\n%s", dir, err, out)
				}
			}
			res.Commands = append(res.Commands, "(cd bench/peers/fosite && go build -o "+bin+" .)")
			return startPeer(ctx, "fosite", "", bin, nil, "/oauth2/token")
		}},
		{name: "oidc-provider", version: npmVersion(c.root), start: func(ctx context.Context) (*bench.Process, string, string, string, error) {
			dir := filepath.Join(c.root, "bench", "peers", "oidc-provider")
			if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
				return nil, "", "", "", errors.New("bench/peers/oidc-provider/node_modules missing: run scripts/install-bench-deps.sh")
			}
			return startPeer(ctx, "oidc-provider", dir, "node", []string{"server.mjs"}, "/token")
		}},
	}
	defer func() {
		for _, p := range peers {
			if p.proc != nil {
				p.proc.Stop()
			}
		}
	}()
	var live []*peer
	for _, p := range peers {
		p.run = bench.IssuerRun{Server: p.name, Version: p.version}
		if err := preparePeer(ctx, c, tmp, p, res); err != nil {
			p.run.Error = err.Error()
			note("issuer throughput "+p.name, err)
			continue
		}
		live = append(live, p)
	}

	var store bench.StoreCheck
	store.Before, _ = bench.ReadBoltState(db)
	for round := 1; round <= c.wrkRounds; round++ {
		for _, p := range live {
			if p.run.Error != "" {
				continue
			}
			r, err := p.wrk.Run(ctx, tmp)
			if !p.proc.WaitIdle(5 * time.Second) {
				log.Printf("issuer %s still busy 5 s after wrk stopped", p.name)
			}
			if err == nil && r.Non2xx > 0 {
				err = fmt.Errorf("%d of %d answers were not 2xx", r.Non2xx, r.Requests)
			}
			if err != nil {
				p.run.Error = fmt.Sprintf("round %d: %v", round, err)
				note("issuer throughput "+p.name, err)
				continue
			}
			if round == 1 {
				res.Commands = append(res.Commands, r.Command+fmt.Sprintf("   # %s: %d rounds, interleaved with the other servers", p.name, c.wrkRounds))
			}
			p.run.Rounds = append(p.run.Rounds, r)
			if p.name == "tollgate" {
				store.Requests += r.Requests
			}
			log.Printf("issuer %-13s round %d: %8.0f tokens/s  p50 %7.0f µs  p99 %7.0f µs", p.name, round, r.RPS, r.P50US, r.P99US)
		}
	}
	store.After, _ = bench.ReadBoltState(db)
	res.IssuerStore = store
	for _, p := range peers {
		res.Issuers = append(res.Issuers, p.run)
		if p.name != "tollgate" && p.proc != nil {
			p.proc.Stop()
		}
	}
	if tg := peers[0]; tg.proc != nil && tg.run.Error == "" {
		res.CodeFlow = runCodeFlows(ctx, c, issuerBin, db, issuerURL, res)
		if res.CodeFlow.Error != "" {
			note("authorization code flow", errors.New(res.CodeFlow.Error))
		}
	}
}

// preparePeer starts p, checks one token request and warms the server up
// with an unrecorded wrk run.
func preparePeer(ctx context.Context, c *config, tmp string, p *peer, res *bench.Results) error {
	proc, tokenURL, id, secret, err := p.start(ctx)
	p.proc = proc
	if proc != nil {
		p.run.Command = proc.Command()
		res.Commands = append(res.Commands, p.run.Command+" &")
	}
	if err != nil {
		return err
	}
	auth := bench.BasicAuth(id, secret)
	tok, err := requestToken(ctx, tokenURL, auth)
	if err != nil {
		return err
	}
	p.run.TokenBytes = len(tok)
	p.wrk = bench.Wrk{URL: tokenURL, Threads: c.wrkThreads, Conns: c.wrkConns, Duration: c.wrkWarmup, Body: tokenBody,
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth}}
	warm, err := p.wrk.Run(ctx, tmp)
	if err != nil {
		return err
	}
	proc.WaitIdle(5 * time.Second) // drain what wrk left queued before anyone is measured
	res.Commands = append(res.Commands, warm.Command+"   # warm-up, not recorded")
	p.wrk.Duration = c.wrkDur
	return nil
}

// startPeer starts a peer server on a free port with a bench client and
// waits until it answers on path.
func startPeer(ctx context.Context, name, dir, bin string, pre []string, path string) (*bench.Process, string, string, string, error) {
	addr, err := bench.FreeAddr()
	if err != nil {
		return nil, "", "", "", err
	}
	id, secret := "bench-client", "bench-secret-0123456789abcdefghijklmnopqrstuv"
	args := append(pre, "--addr", addr, "--client-id", id, "--client-secret", secret)
	p, err := bench.Start(name, dir, nil, bin, args...)
	if err != nil {
		return nil, "", "", "", err
	}
	url := "http://" + addr + path
	if err := p.WaitHTTP(ctx, url, 30*time.Second); err != nil {
		return p, "", "", "", err
	}
	return p, url, id, secret, nil
}

// requestToken makes one client_credentials request and returns the
// access token.
func requestToken(ctx context.Context, url, auth string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(tokenBody))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("token request to %s: %d %.300s", url, resp.StatusCode, body)
	}
	return tok.AccessToken, nil
}

// runCodeFlows registers a user and a confidential web client on the
// running issuer (through its admin socket) and times c.flows
// authorization code + PKCE flows.
func runCodeFlows(ctx context.Context, c *config, issuerBin, db, issuerURL string, res *bench.Results) bench.CodeFlowStats {
	var st bench.CodeFlowStats
	const password = "correct horse battery staple"
	fail := func(err error) bench.CodeFlowStats { st.Error = err.Error(); return st }
	userArgs := []string{"user", "add", "--db", db, "--username", "alice", "--password-stdin"}
	if _, err := cli(issuerBin, password+"\n", userArgs...); err != nil {
		return fail(err)
	}
	redirect := "http://127.0.0.1:1/callback"
	clientArgs := []string{"client", "add", "--db", db, "--name", "web", "--grant", "authorization_code,refresh_token",
		"--redirect-uri", redirect, "--scope", "openid read", "--json"}
	out, err := cli(issuerBin, "", clientArgs...)
	if err != nil {
		return fail(err)
	}
	res.Commands = append(res.Commands, issuerBin+" "+strings.Join(quoteArgs(userArgs), " "), issuerBin+" "+strings.Join(quoteArgs(clientArgs), " "))
	var creds struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal(out, &creds); err != nil {
		return fail(err)
	}
	flow := bench.CodeFlow{Issuer: issuerURL, ClientID: creds.ID, ClientSecret: creds.Secret, RedirectURI: redirect, Username: "alice", Password: password}
	var login, consent, exchange, total []time.Duration
	for range c.flows {
		t, err := flow.Run(ctx)
		if err != nil {
			return fail(err)
		}
		login, consent, exchange, total = append(login, t.Login), append(consent, t.Consent), append(exchange, t.Exchange), append(total, t.Total())
	}
	st.Runs = c.flows
	st.LoginUS, st.ConsentUS = bench.MedianDuration(login), bench.MedianDuration(consent)
	st.ExchangeUS, st.TotalUS = bench.MedianDuration(exchange), bench.MedianDuration(total)
	log.Printf("authorization code flow: median %.1f ms (login %.1f, consent %.1f, exchange %.1f)", st.TotalUS/1e3, st.LoginUS/1e3, st.ConsentUS/1e3, st.ExchangeUS/1e3)
	return st
}

// cli runs the issuer CLI and returns its stdout.
func cli(bin, stdin string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("issuer %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// fositeVersion reads fosite's pinned version from the peer's go.mod.
func fositeVersion(root string) string {
	f, err := os.Open(filepath.Join(root, "bench", "peers", "fosite", "go.mod"))
	if err != nil {
		return "?"
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, w := range fields {
			if w == "github.com/ory/fosite" && i+1 < len(fields) {
				return fields[i+1]
			}
		}
	}
	return "?"
}

// npmVersion reads the installed oidc-provider's version.
func npmVersion(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "bench", "peers", "oidc-provider", "node_modules", "oidc-provider", "package.json"))
	if err != nil {
		return "?"
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return "?"
	}
	return pkg.Version
}
