#!/usr/bin/env bash
# Benchmarks the kubernetes-jobs backend's read path at organisation scale (10,000 Jobs in the
# sandbox cluster) and prints the figures; see plugins/kubernetes-jobs-backend/bench/README.md.
# BENCH_ENTITIES scales it, 200 Jobs per entity: BENCH_ENTITIES=500 is 100,000 Jobs.
# BENCH_DATABASE=postgres runs it on a throwaway PostgreSQL instead of in-memory SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
ensure_workspace

if [[ "${BENCH_DATABASE:-sqlite}" == postgres ]]; then
  source scripts/postgres.sh
  start_test_postgres
  trap stop_test_postgres EXIT
fi

# --expose-gc: heap figures are taken after a full collection.
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs \
  plugins/kubernetes-jobs-backend/bench/bench.ts
