#!/usr/bin/env bash
# install-workerd.sh installs Cloudflare's workerd runtime, npm package
# `workerd` at an exact version, for `edge workerd` and the tests of
# edge/workerd. It does nothing when that version is already there.
#
# The package goes into its own npm prefix inside the repository's gitignored
# node_modules:
#
#   node_modules/.workerd/node_modules/@cloudflare/workerd-<os>-<arch>/bin/workerd
#
# Why a prefix of its own: `npm install --no-save` into a prefix removes every
# package that prefix's package.json does not list, so installing workerd
# beside the test dependencies (scripts/install-test-deps.sh) would uninstall
# them, and the other way round. npm leaves dot-directories in node_modules
# alone.
#
# Only the npm registry is used. Node (>= 20) and npm must already be
# installed. Without workerd the edge/workerd tests skip, unless
# TOLLGATE_REQUIRE_WORKERD is set (CI sets it), in which case they fail.
set -euo pipefail

WORKERD_VERSION=1.20261117.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix="$root/node_modules/.workerd"

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) platform=linux-64 ;;
Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
Darwin-x86_64) platform=darwin-64 ;;
Darwin-arm64) platform=darwin-arm64 ;;
*) echo "install-workerd: no workerd build for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
pkg="$prefix/node_modules/@cloudflare/workerd-$platform"
bin="$pkg/bin/workerd"

have=""
if [[ -f $pkg/package.json && -x $bin ]]; then
	have=$(node -p "require(process.argv[1]).version" "$pkg/package.json" 2>/dev/null || true)
fi
if [[ $have == "$WORKERD_VERSION" ]]; then
	echo "install-workerd: workerd $have present ($bin)"
	exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "install-workerd: npm not found (install Node.js >= 20)" >&2; exit 1; }
echo "install-workerd: npm install workerd@$WORKERD_VERSION into $prefix"
mkdir -p "$prefix"
# --no-save and --no-package-lock: nothing outside node_modules changes. The
# binary comes from the platform package (an optional dependency); workerd's
# own postinstall script is not needed.
npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
	"workerd@$WORKERD_VERSION"
"$bin" --version
