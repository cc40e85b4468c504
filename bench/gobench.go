package bench

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

// GoBenchmark is one benchmark's results over every -count run: each run's
// value per unit ("ns/op", "B/op", "allocs/op" and custom metrics such as
// "guest-allocs/op").
type GoBenchmark struct {
	Name string               `json:"name"` // without the -GOMAXPROCS suffix
	Runs []map[string]float64 `json:"runs"`
}

// Median returns the median over the runs of unit, and false when no run
// reported it.
func (b *GoBenchmark) Median(unit string) (float64, bool) {
	var vs []float64
	for _, r := range b.Runs {
		if v, ok := r[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	return median(vs), true
}

// GoSkip is a benchmark that skipped, with its reason.
type GoSkip struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// ParseGoBench reads `go test -bench` output: result lines, in order of
// first appearance, and the reasons of skipped benchmarks.
func ParseGoBench(out string) ([]GoBenchmark, []GoSkip) {
	var list []GoBenchmark
	index := map[string]int{}
	var skips []GoSkip
	var lastSkip string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if name, ok := strings.CutPrefix(trimmed, "--- SKIP: "); ok {
			lastSkip = strings.Fields(name)[0]
			continue
		}
		if lastSkip != "" && strings.HasPrefix(line, "    ") {
			skips = append(skips, GoSkip{Name: procSuffix.ReplaceAllString(lastSkip, ""), Reason: stripFileLine(trimmed)})
			lastSkip = ""
			continue
		}
		lastSkip = ""
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		run := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			run[f[i+1]] = v
		}
		if len(run) == 0 {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		i, ok := index[name]
		if !ok {
			i = len(list)
			index[name] = i
			list = append(list, GoBenchmark{Name: name})
		}
		list[i].Runs = append(list[i].Runs, run)
	}
	return list, skips
}

// stripFileLine drops the "file_test.go:12: " prefix of a test log line.
func stripFileLine(s string) string {
	if i := strings.Index(s, ".go:"); i >= 0 {
		if j := strings.Index(s[i+4:], ": "); j >= 0 {
			return s[i+4+j+2:]
		}
	}
	return s
}
