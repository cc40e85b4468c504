package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tollgate/tollgate/edge/workerd"
)

// runWorkerd runs the Workers script (edge/worker) on Cloudflare's workerd,
// with the same policy flags as proxy.
func runWorkerd(ctx context.Context, args []string, stderr io.Writer) int {
	c, code := parseCommand("edge workerd", args, stderr)
	if c == nil {
		return code
	}
	err := workerd.Run(ctx, workerd.Options{
		Policy:     c.policy,
		Upstream:   c.upstream.String(),
		Listen:     c.listen,
		ModulePath: c.module,
		Stdout:     stderr,
		Stderr:     stderr,
	})
	if err != nil {
		fmt.Fprintf(stderr, "edge workerd: %v\n", err)
		return 1
	}
	return 0
}
