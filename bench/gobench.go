package bench

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

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
