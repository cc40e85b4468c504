#!/usr/bin/env bash
# install-test-deps.sh installs what the issuer's end-to-end browser and
# openid-client tests need, and does nothing for what is already there:
#
#   - Debian's chromium and chromium-driver (apt-get; root or sudo), for
#     issuer/cmd/issuer/e2e_browser_test.go;
#   - npm openid-client at an exact version, with its two dependencies
#     pinned as well, into node_modules/ at the repository root
#     (gitignored), for issuer/cmd/issuer/e2e_openid_client_test.go. Node
#     (>= 20) and npm must already be installed.
#
# Without these the tests skip, unless TOLLGATE_REQUIRE_BROWSER or
# TOLLGATE_REQUIRE_NODE is set (CI sets both), in which case they fail.
set -euo pipefail

OPENID_CLIENT_VERSION=6.8.9
JOSE_VERSION=6.2.17
OAUTH4WEBAPI_VERSION=3.8.8

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# --- chromium + chromedriver -------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if ((${#missing[@]})); then
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
		sudo=(sudo)
	fi
	echo "install-test-deps: apt-get install ${missing[*]}"
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
	echo "install-test-deps: chromium and chromedriver present"
fi

# --- openid-client --------------------------------------------------------
have=""
pkg="$root/node_modules/openid-client/package.json"
if [[ -f $pkg ]]; then
	have=$(node -p "require(process.argv[1]).version" "$pkg" 2>/dev/null || true)
fi
if [[ $have == "$OPENID_CLIENT_VERSION" ]]; then
	echo "install-test-deps: openid-client $have present"
else
	command -v npm >/dev/null 2>&1 || { echo "install-test-deps: npm not found (install Node.js >= 20)" >&2; exit 1; }
	echo "install-test-deps: npm install openid-client@$OPENID_CLIENT_VERSION into $root/node_modules"
	# --no-save and --no-package-lock: nothing outside node_modules changes.
	npm install --prefix "$root" --no-save --no-package-lock --no-audit --no-fund \
		"openid-client@$OPENID_CLIENT_VERSION" "jose@$JOSE_VERSION" "oauth4webapi@$OAUTH4WEBAPI_VERSION"
fi
