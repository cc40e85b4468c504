package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/bench"
)

// runGoBench builds package bench's test binary once and runs every
// benchmark c.count times in interleaved rounds (round i runs each
// benchmark once), so that drift in a shared machine's load spreads over
// all implementations instead of landing on one; run i of every benchmark
// comes from round i, which lets the report take per-round ratios. The
// concatenated output is benchstat's input.
func runGoBench(ctx context.Context, c *config, tmp string, res *bench.Results) error {
	bin := filepath.Join(tmp, "bench.test")
	build := []string{"test", "-c", "-o", bin, "./bench"}
	cmd := exec.CommandContext(ctx, "go", build...)
	cmd.Dir = c.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(build, " "), err, out)
	}
	args := []string{"-test.run", "^$", "-test.bench", c.goBench, "-test.benchmem",
		"-test.count", "1", "-test.benchtime", c.benchtime, "-test.timeout", "30m"}
	line := fmt.Sprintf("go %s && for round in $(seq %d); do (cd bench && %s %s); done",
		strings.Join(build, " "), c.count, bin, strings.Join(quoteArgs(args), " "))
	if p := os.Getenv(bench.EnvValidatorWasm); p != "" {
		line = bench.EnvValidatorWasm + "=" + p + " " + line
	}
	res.Commands = append(res.Commands, line)
	res.Go.Command = line
	res.Go.Rounds = c.count
	var out bytes.Buffer
	defer func() {
		res.Go.Output = out.String()
		res.Go.Benchmarks, res.Go.Skipped = bench.ParseGoBench(res.Go.Output)
	}()
	for round := 1; round <= c.count; round++ {
		log.Printf("go benchmarks, round %d of %d", round, c.count)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = filepath.Join(c.root, "bench") // go test runs a package's tests in its directory
		cmd.Stdout = io.MultiWriter(&out, os.Stderr)
		cmd.Stderr = io.MultiWriter(&out, os.Stderr)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("benchmark round %d: %w", round, err)
		}
	}
	return nil
}

// quoteArgs single-quotes the arguments a shell would mangle.
func quoteArgs(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$*|() ") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return q
}
