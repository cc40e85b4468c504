#!/usr/bin/env bash
# install-tinygo.sh — build TinyGo from source into .tools/tinygo and print
# the path of the tinygo command.
#
# TinyGo is taken from the Go module proxy at an exact version and compiled
# against Debian's LLVM 19 (apt). The module zip lacks TinyGo's lib/
# submodules, so instead of building wasi-libc and compiler-rt from source,
# TinyGo's library cache is seeded with Debian's prebuilt wasi-libc and
# libclang_rt.builtins-wasm32.a. That is enough for -target=wasip1 builds of
# code that does not import net (src/net is left empty).
#
# Layout (all under .tools/, gitignored):
#   tinygo-src/       writable copy of the module source (the build dir)
#   tinygo/           TINYGOROOT, laid out like a release: bin/ src/ targets/ lib/
#   tinygo/bin/tinygo wrapper that pins TINYGOROOT and the library cache
#   tinygo/cache/     TinyGo's library cache (seeded here)
#
# Idempotent: a stamp file records the version; rerunning only prints the path.
# Only two registries are used: Debian's apt and the Go module proxy.
set -euo pipefail

VERSION=0.41.1
LLVM=19
APT_PACKAGES=(llvm-$LLVM-dev libclang-$LLVM-dev lld-$LLVM clang-$LLVM libclang-rt-$LLVM-dev-wasm32 wasi-libc binaryen)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GO=${GO:-go}
TOOLS=$ROOT/.tools
SRC=$TOOLS/tinygo-src
PREFIX=$TOOLS/tinygo
STAMP=$PREFIX/.installed-v$VERSION-llvm$LLVM

if [[ -f $STAMP && -x $PREFIX/bin/tinygo ]]; then
	echo "$PREFIX/bin/tinygo"
	exit 0
fi

log() { echo "install-tinygo: $*" >&2; }

# 1. System packages (Debian's LLVM 19, prebuilt wasi-libc and compiler-rt).
missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	log "apt-get install ${missing[*]}"
	"${sudo[@]}" apt-get update >&2
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# 2. Source from the Go module proxy (exact version), copied somewhere writable.
modjson=$(cd "$ROOT" && "$GO" mod download -json "github.com/tinygo-org/tinygo@v$VERSION")
moddir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$modjson")
if [[ -z $moddir || ! -d $moddir ]]; then
	log "go mod download gave no directory:"
	echo "$modjson" >&2
	exit 1
fi
log "source $moddir"
rm -rf "$SRC" "$PREFIX"
mkdir -p "$TOOLS"
cp -R "$moddir" "$SRC"
chmod -R u+w "$SRC"

# 3. Build against LLVM 19. The cgo directives of go-llvm and TinyGo's cgo
#    package already point at /usr/lib/llvm-19 with -tags=llvm19.
log "go build -tags=llvm$LLVM (a few minutes)"
mkdir -p "$PREFIX/bin"
(cd "$SRC" && CGO_ENABLED=1 "$GO" build -trimpath -tags="llvm$LLVM" -o "$PREFIX/bin/tinygo.bin" .)

# 4. TINYGOROOT: what a release archive holds, minus the lib/ submodules.
cp -R "$SRC/src" "$SRC/targets" "$PREFIX/"
mkdir -p "$PREFIX/lib" "$PREFIX/src/net"
# wasip1.json names two LLVM 20 features LLVM 19 does not know (it ignores
# them, with a warning per build): drop them.
sed -i 's/+bulk-memory-opt,+call-indirect-overlong,//' "$PREFIX/targets/wasip1.json"
[[ -n $(ls -A "$PREFIX/src/net") ]] || cat >"$PREFIX/src/net/doc.go" <<'EOF'
// Package net is a placeholder: TinyGo's net submodule is not in the module
// zip, and Tollgate's TinyGo builds do not import net.
package net
EOF

# 5. Seed the library cache with Debian's prebuilt wasm32 libraries, under the
#    names TinyGo's builder looks for (compileopts.Config.LibraryPath).
triple=wasm32-unknown-wasi-generic
cache=$PREFIX/cache/tinygo
mkdir -p "$cache/wasi-libc-$triple" "$cache/compiler-rt-$triple"
cp /usr/lib/wasm32-wasi/libc.a "$cache/wasi-libc-$triple/lib.a"
cp -R /usr/include/wasm32-wasi "$cache/wasi-libc-$triple/include"
rt=$(ls /usr/lib/llvm-$LLVM/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a | head -n1)
cp "$rt" "$cache/compiler-rt-$triple/lib.a"

# 6. The wrapper: a fixed TINYGOROOT, the seeded cache, and Go's own build
#    cache left where it was (TinyGo runs `go list`).
cat >"$PREFIX/bin/tinygo" <<'EOF'
#!/bin/sh
# TinyGo built by scripts/install-tinygo.sh.
root=$(cd "$(dirname "$0")/.." && pwd)
GOCACHE=${GOCACHE:-$(go env GOCACHE)}
export GOCACHE
TINYGOROOT=$root XDG_CACHE_HOME=$root/cache exec "$root/bin/tinygo.bin" "$@"
EOF
chmod +x "$PREFIX/bin/tinygo"

"$PREFIX/bin/tinygo" version >&2
touch "$STAMP"
echo "$PREFIX/bin/tinygo"
