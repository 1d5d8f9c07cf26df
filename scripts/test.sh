#!/usr/bin/env bash
# Runs the whole test suite: lint, formatting, package metadata, type check and API reports, then
# every package's tests (unit, HTTP-edge, sandbox conformance, integration through the sandbox
# cluster over real HTTP, and the database tests on SQLite and PostgreSQL), then the end-to-end
# tests in Chromium in both sample apps (scripts/e2e.sh), then the README's install steps in a fresh
# create-app app (scripts/verify-install.sh).
# Installs what it needs first (Node 22 included).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
source scripts/postgres.sh
ensure_workspace
export CI=true

# The database tests run against SQLite and against this PostgreSQL.
start_test_postgres
trap stop_test_postgres EXIT

echo "== lint and formatting"
yarn backstage-cli repo lint
yarn prettier --check .

echo "== package metadata (backstage-cli repo fix)"
yarn backstage-cli repo fix --check

echo "== type check and API reports of the plugin packages"
# api-reports:check type-checks with declarations (dist-types), then compares each plugin's public
# API with its committed report: a change to an exported API must update the report with it.
yarn api-reports:check

echo "== unit, backend, sandbox and integration tests"
yarn test

echo "== end-to-end tests in Chromium"
./scripts/e2e.sh

echo "== the README's install steps in a fresh create-app 0.9.2 app"
./scripts/verify-install.sh
