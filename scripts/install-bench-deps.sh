#!/usr/bin/env bash
# install-bench-deps.sh installs what `make bench` needs beyond Go, and does
# nothing for what is already there:
#
#   - wrk (Debian's package, apt-get; root or sudo): the issuer load;
#   - the npm oidc-provider peer's exact dependencies (npm ci from its
#     package-lock.json into bench/peers/oidc-provider/node_modules,
#     gitignored). Node.js >= 20.19 and npm must already be installed;
#   - benchstat (golang.org/x/perf, pinned) into .tools/.
#
# The fosite peer and the report generator are Go modules of their own
# (bench/peers/fosite, bench/cmd/report); `go build` fetches their pinned
# dependencies from the module proxy when bench.sh builds them.
set -euo pipefail

BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GO=${GO:-go}
log() { echo "install-bench-deps: $*" >&2; }

# --- wrk -------------------------------------------------------------------
if command -v wrk >/dev/null 2>&1; then
	log "wrk present"
else
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { log "need root or sudo to apt-get install wrk"; exit 1; }
		sudo=(sudo)
	fi
	log "apt-get install wrk"
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; then
		"${sudo[@]}" apt-get update
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk
	fi
fi

# --- oidc-provider peer ----------------------------------------------------
peer=$root/bench/peers/oidc-provider
command -v node >/dev/null 2>&1 || { log "node not found (install Node.js >= 20.19)"; exit 1; }
want=$(node -p "require(process.argv[1]).dependencies['oidc-provider']" "$peer/package.json")
have=$(node -p "try { require(process.argv[1]).version } catch { '' }" "$peer/node_modules/oidc-provider/package.json" 2>/dev/null || true)
if [[ $have == "$want" ]]; then
	log "oidc-provider $have present"
else
	command -v npm >/dev/null 2>&1 || { log "npm not found"; exit 1; }
	log "npm ci in bench/peers/oidc-provider (oidc-provider $want)"
	(cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- benchstat -------------------------------------------------------------
mkdir -p "$root/.tools"
if [[ -x $root/.tools/benchstat ]] && "$GO" version -m "$root/.tools/benchstat" 2>/dev/null | grep -q "golang.org/x/perf[[:space:]]*$BENCHSTAT_VERSION"; then
	log "benchstat $BENCHSTAT_VERSION present"
else
	log "go install golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
	GOBIN=$root/.tools "$GO" install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
fi
