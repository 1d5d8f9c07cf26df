#!/usr/bin/env bash
# Load run of the kubernetes-jobs backend: simulated browsers on entity tabs and the Jobs page,
# refetching when a signal concerns them, plus a stream of Runs and Stops, against the backend on
# the 10,000-Job sandbox, at LOAD_VIEWERS (1000) and at LOAD_FEW_VIEWERS (20);
# see plugins/kubernetes-jobs-backend/bench/README.md.
# LOAD_DATABASE=postgres runs the backend on a throwaway PostgreSQL instead of in-memory SQLite;
# LOAD_REPLICAS=2 runs two replicas behind a proxy, which needs (and implies) PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
ensure_workspace

if [[ "${LOAD_REPLICAS:-1}" != 1 ]]; then
  LOAD_DATABASE=postgres
fi
export BENCH_DATABASE="${LOAD_DATABASE:-sqlite}"
if [[ "$BENCH_DATABASE" == postgres ]]; then
  source scripts/postgres.sh
  start_test_postgres
  trap stop_test_postgres EXIT
fi

# --expose-gc: the backend's heap at the end of each phase is taken after a full collection;
# the backend processes are forked with the same options.
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs \
  plugins/kubernetes-jobs-backend/bench/load.ts
