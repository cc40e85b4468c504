#!/usr/bin/env bash
# fuzz.sh — what `make fuzz` runs: every Go fuzz target in the module, one
# after another, each for FUZZTIME (default 20s). New failing inputs are
# written to the package's testdata/fuzz/<Target>/ by go test; commit them
# once fixed, and `make test` replays them forever after.
#
#   scripts/fuzz.sh            # every target, 20s each
#   FUZZTIME=5m scripts/fuzz.sh FuzzValidate FuzzParseForm
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-20s}

# package directory <tab> target, for every func FuzzX(f *testing.F) in a
# _test.go file of a package of this module.
targets=$("$GO" list -f '{{.Dir}}' ./... | while read -r dir; do
	grep -ho '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' "$dir"/*_test.go 2>/dev/null |
		sed -e 's/^func //' -e 's/(.*//' -e "s|^|$dir	|" || true
done)

failed=0
while IFS=$'\t' read -r dir name; do
	[[ -z $name ]] && continue
	if (($# > 0)) && [[ " $* " != *" $name "* ]]; then
		continue
	fi
	pkg=./${dir#"$root"/}
	echo "fuzz.sh: $name in $pkg for $FUZZTIME" >&2
	if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"; then
		failed=1
	fi
done <<<"$targets"
exit $failed
