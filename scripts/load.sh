#!/usr/bin/env bash
# Load run of the kubernetes-jobs backend: viewers on the entity tab and the Jobs page plus a
# stream of Runs and Kills against one backend on the 10,000-Job sandbox, at LOAD_VIEWERS (200)
# and at LOAD_FEW_VIEWERS (20); see plugins/kubernetes-jobs-backend/bench/README.md.
# LOAD_DATABASE=postgres runs the backend on a throwaway PostgreSQL instead of in-memory SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
ensure_workspace

export BENCH_DATABASE="${LOAD_DATABASE:-sqlite}"
if [[ "$BENCH_DATABASE" == postgres ]]; then
  source scripts/postgres.sh
  start_test_postgres
  trap stop_test_postgres EXIT
fi

# --expose-gc: the backend's heap at the end of each phase is taken after a full collection;
# the backend process is forked with the same options.
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs \
  plugins/kubernetes-jobs-backend/bench/load.ts
