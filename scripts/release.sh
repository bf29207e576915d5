#!/usr/bin/env bash
# Publishes the package to npm with a provenance statement: `npm run release`, run only by
# .github/workflows/publish.yml on a pushed version tag. Anywhere else it refuses. (A plain
# `npm publish` elsewhere fails too: publishConfig.provenance needs GitHub Actions' OIDC token.
# prepublishOnly cannot be the guard: the project's .npmrc sets ignore-scripts, which skips it.)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "release: $*" >&2; exit 1; }

[ "${GITHUB_ACTIONS:-}" = "true" ] ||
  fail "releases are published only by GitHub Actions (.github/workflows/publish.yml), when a tag v<version> is pushed: see CONTRIBUTING.md, \"Releasing\"."

version="$(node -p "require('./package.json').version")"
[ "${GITHUB_REF_TYPE:-}" = "tag" ] && [ "${GITHUB_REF_NAME:-}" = "v$version" ] ||
  fail "the tag (${GITHUB_REF_NAME:-none}) must be v$version, the version in package.json."
grep -q "^## \[$version\]" CHANGELOG.md || fail "CHANGELOG.md has no section \"## [$version]\"."

npm_version="$(npm --version)"
node -e "const [a, b, c] = process.argv[1].split('.').map(Number); process.exit(a > 11 || (a === 11 && (b > 5 || (b === 5 && c >= 1))) ? 0 : 1)" "$npm_version" ||
  fail "npm $npm_version is too old for trusted publishing (11.5.1 or later)."
node -e "const { n8n } = require('./package.json'); const fs = require('fs'); process.exit([...n8n.nodes, ...n8n.credentials].every((f) => fs.existsSync(f)) ? 0 : 1)" ||
  fail "dist/ lacks a node or credential of package.json: build first (npm run scan builds and checks it)."

npm publish --provenance --access public
