// Command report renders bench/REPORT.md and its plots from the results
// files `make bench` writes (bench/results/<UTC time>.json): tables, the
// verdict on every target of issue 6, the machine, the exact commands, and
// a benchstat comparison of the Go benchmarks with the previous results
// file.
//
// It is its own module (gonum.org/v1/plot pinned in this directory's
// go.mod) so that Tollgate's go.mod does not carry a plotting library.
//
// Usage:
//
//	report -results bench/results -report bench/REPORT.md -plots bench/plots -benchstat .tools/benchstat
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("report: ")
	dir := flag.String("results", "bench/results", "directory of results files")
	current := flag.String("current", "", "results file to report (default: the newest in -results)")
	reportPath := flag.String("report", "bench/REPORT.md", "report to write")
	plotsDir := flag.String("plots", "bench/plots", "directory for the plots")
	benchstat := flag.String("benchstat", "benchstat", "benchstat binary")
	flag.Parse()
	if err := run(*dir, *current, *reportPath, *plotsDir, *benchstat); err != nil {
		log.Fatal(err)
	}
}

func run(dir, current, reportPath, plotsDir, benchstat string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	slices.Sort(files) // names are UTC timestamps
	if current == "" {
		if len(files) == 0 {
			return fmt.Errorf("no results in %s: run make bench", dir)
		}
		current = files[len(files)-1]
	}
	cur, err := readResults(current)
	if err != nil {
		return err
	}
	in := reportInput{cur: cur}
	// The previous run: the newest file named before the current one that
	// this generator can read and that has Go benchmark output to compare.
	for i := len(files) - 1; i >= 0; i-- {
		if filepath.Base(files[i]) >= filepath.Base(current) {
			continue
		}
		if prev, err := readResults(files[i]); err == nil && prev.Go.Output != "" {
			in.prev = prev
			break
		}
	}
	reportDir := filepath.Dir(reportPath)
	in.relResults = relPath(reportDir, current)

	if err := os.MkdirAll(plotsDir, 0o755); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		make func(*results) ([]*plot.Plot, vg.Length)
	}{{"validation.svg", validationPlots}, {"serving.svg", servingPlots}} {
		plots, height := p.make(cur)
		if len(plots) == 0 {
			continue
		}
		path := filepath.Join(plotsDir, p.name)
		if err := savePanels(path, 18*vg.Centimeter, height, plots...); err != nil {
			return err
		}
		in.plots = append(in.plots, relPath(reportDir, path))
	}

	if in.prev != nil && in.prev.Go.Output != "" && cur.Go.Output != "" {
		in.benchstat, in.benchstatCmd, err = runBenchstat(benchstat, in.prev, cur)
		if err != nil {
			in.benchstatError = err.Error()
		}
	}
	if err := os.WriteFile(reportPath, []byte(markdown(in)), 0o644); err != nil {
		return err
	}
	fmt.Println(reportPath)
	return nil
}

// runBenchstat writes the two runs' go test outputs to files named after
// the runs and compares them.
func runBenchstat(bin string, prev, cur *results) (out, cmdline string, err error) {
	tmp, err := os.MkdirTemp("", "tollgate-benchstat-")
	if err != nil {
		return "", "", err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	name := func(r *results) string { return strings.TrimSuffix(filepath.Base(r.path), ".json") + ".txt" }
	oldF, newF := filepath.Join(tmp, name(prev)), filepath.Join(tmp, name(cur))
	if err := os.WriteFile(oldF, []byte(prev.Go.Output), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(newF, []byte(cur.Go.Output), 0o644); err != nil {
		return "", "", err
	}
	cmd := exec.Command(bin, filepath.Base(oldF), filepath.Base(newF))
	cmd.Dir = tmp
	b, err := cmd.CombinedOutput()
	cmdline = fmt.Sprintf("benchstat %s %s   # the two results files' go test output", name(prev), name(cur))
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) || errors.Is(err, exec.ErrNotFound) {
			return "", cmdline, fmt.Errorf("%s: %w: %s", bin, err, b)
		}
		return "", cmdline, err
	}
	return string(b), cmdline, nil
}

// relPath returns target relative to base, or target when it cannot.
func relPath(base, target string) string {
	absB, err1 := filepath.Abs(base)
	absT, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return target
	}
	rel, err := filepath.Rel(absB, absT)
	if err != nil {
		return target
	}
	return filepath.ToSlash(rel)
}

// validationPlots: cached and uncached validation time per implementation
// and algorithm, log scale.
func validationPlots(r *results) ([]*plot.Plot, vg.Length) {
	var out []*plot.Plot
	for _, mode := range []string{"cached", "uncached"} {
		var ss []series
		for _, im := range impls {
			s := series{name: im}
			have := false
			for _, alg := range algorithms {
				v, ok := r.median(vName+im+"/"+alg+"/"+mode, ns)
				if !ok {
					s.values = append(s.values, nan())
					continue
				}
				have = true
				s.values = append(s.values, v/1e3)
			}
			if have {
				ss = append(ss, s)
			}
		}
		if len(ss) == 0 {
			continue
		}
		title := "Validation, " + mode + " (same token again"
		if mode == "uncached" {
			title = "Validation, uncached (full parse and signature check"
		}
		out = append(out, barPlot(title+"; lower is better)", "µs per request (log)", algorithms, ss, true))
	}
	return out, 9 * vg.Centimeter
}

// servingPlots: issuer tokens/s and proxy latency.
func servingPlots(r *results) ([]*plot.Plot, vg.Length) {
	var out []*plot.Plot
	var names []string
	var rps []float64
	for _, is := range r.Issuers {
		if v := issuerRPS(&is); v > 0 {
			names = append(names, is.Server)
			rps = append(rps, v)
		}
	}
	if len(names) > 0 {
		out = append(out, barPlot("Issuer: client_credentials tokens/s under wrk (higher is better)", "tokens/s", names, []series{{"tokens/s", rps}}, false))
	}
	var scen []string
	var p50, p99 []float64
	for _, p := range r.Proxy {
		if p.Conns == 1 {
			scen = append(scen, p.Name)
			p50, p99 = append(p50, p.Latency.P50US), append(p99, p.Latency.P99US)
		}
	}
	if len(scen) > 0 {
		out = append(out, barPlot("Proxy latency, 1 connection (lower is better)", "µs (log)", scen, []series{{"p50", p50}, {"p99", p99}}, true))
	}
	return out, 8 * vg.Centimeter
}
