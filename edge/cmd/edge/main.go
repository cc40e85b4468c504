// Command edge runs Tollgate's token validator in front of HTTP services.
//
// Usage:
//
//	edge proxy --listen ADDR --upstream URL (--policy FILE | --issuer ISS --audience AUD [--scope S]… (--jwks-file F | --jwks-url U) [--revocations-url U]) [--module PATH] [--admin-listen ADDR]
//	edge workerd …the policy flags of proxy…   (the Workers script on Cloudflare's workerd)
//	edge envoy-config --policy FILE [--wasm PATH] [--listen ADDR] [--upstream URL]
//
// proxy is a fasthttp reverse proxy: requests with a valid token reach the
// upstream with X-Auth-Subject, X-Auth-Client-Id and X-Auth-Scope (incoming
// X-Auth-* removed); others get the RFC 6750 answer. /healthz and /metrics
// are served on the admin listener. Misuse exits with status 2.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage:
  edge proxy --listen ADDR --upstream URL (--policy FILE | --issuer ISS --audience AUD [--scope S]... (--jwks-file F | --jwks-url U) [--revocations-url U]) [--module PATH] [--admin-listen ADDR]
  edge workerd ...the policy flags of proxy, --listen, --upstream, --module...
  edge envoy-config --policy FILE
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the exit status: 0, 1 on a runtime
// failure, 2 on misuse.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "proxy":
		return runProxy(ctx, args[1:], stderr)
	case "envoy-config":
		return runEnvoyConfig(args[1:], stdout, stderr)
	case "workerd":
		return runWorkerd(ctx, args[1:], stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "edge: unknown command %q\n%s", args[0], usage)
		return 2
	}
}
