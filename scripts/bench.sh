#!/usr/bin/env bash
# bench.sh is what `make bench` runs: install the benchmark dependencies,
# build, run the whole suite (bench/cmd/bench writes
# bench/results/<UTC time>.json), then render bench/REPORT.md and
# bench/plots/*.svg with a benchstat comparison against the previous
# results file (bench/cmd/report). Arguments go to bench/cmd/bench, e.g.
#
#   scripts/bench.sh -skip issuers          # only the Go and proxy sections
#   scripts/bench.sh -count 10 -benchtime 1s
#
# The suite takes about 5 minutes on a 2-core machine; `make bench` from a
# fresh clone (builds and downloads included) stays within 15.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
GO=${GO:-go}
start=$SECONDS
step() { echo "bench.sh: $* ($((SECONDS - start)) s)" >&2; }

step "dependencies"
scripts/install-bench-deps.sh

# `make bench` builds first; when run directly, build what is missing.
if [[ ! -x bin/issuer || ! -x bin/edge ]]; then
	step "make build"
	make build
fi
if [[ ! -f bin/validator-tinygo.wasm ]]; then
	step "bin/validator-tinygo.wasm not built: the wazero-tinygo rows will be skipped"
fi

step "building the driver, the report generator and the fosite peer"
mkdir -p bin
"$GO" build -o bin/bench ./bench/cmd/bench &
driver=$!
(cd bench/cmd/report && "$GO" build -o "$root/bin/bench-report" .) &
report=$!
(cd bench/peers/fosite && "$GO" build -o "$root/bin/fosite-peer" .) &
fosite=$!
wait $driver
wait $report
wait $fosite

step "running the suite"
results=$(bin/bench -fosite-bin "$root/bin/fosite-peer" "$@")

step "rendering the report from $results"
bin/bench-report -results bench/results -current "$results" -report bench/REPORT.md -plots bench/plots -benchstat "$root/.tools/benchstat"
step "done: bench/REPORT.md"
