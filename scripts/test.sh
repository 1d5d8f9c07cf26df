#!/usr/bin/env bash
# Runs the whole test suite: type check, then every package's tests (unit, HTTP-edge, sandbox
# conformance and integration through the sandbox cluster over real HTTP).
# Installs what it needs first (Node 22 included).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
ensure_workspace
export CI=true

echo "== type check"
yarn tsc --noEmit

echo "== unit, backend, sandbox and integration tests"
yarn test --passWithNoTests=false
