#!/usr/bin/env bash
# Starts the demo: the sandbox cluster (seeded with demo Jobs), the Backstage backend with the
# kubernetes-jobs plugin, and the frontend. Installs what it needs first (Node 22 included).
# Open http://localhost:3000, then Catalog -> shop -> Jobs. Ctrl-C stops everything.
#
# The frontend is the sample app on the new frontend system (packages/app); `--legacy` (or
# DEMO_FRONTEND=legacy) starts the one on the legacy frontend system (packages/app-legacy) instead.
set -euo pipefail
cd "$(dirname "$0")/.."

frontend=${DEMO_FRONTEND:-new}
for arg in "$@"; do
  case $arg in
    --legacy) frontend=legacy ;;
    *) echo "usage: $0 [--legacy]" >&2; exit 2 ;;
  esac
done
case $frontend in
  new) app=app ;;
  legacy) app=app-legacy ;;
  *) echo "DEMO_FRONTEND must be 'new' or 'legacy', not '$frontend'" >&2; exit 2 ;;
esac

source scripts/setup-node.sh
ensure_workspace

SANDBOX_PORT=${SANDBOX_PORT:-6443}
export SANDBOX_CLUSTER_URL="http://127.0.0.1:${SANDBOX_PORT}"

pids=()
cleanup() {
  # Each part runs in its own process group: stop the groups, wrappers and children alike.
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

(cd packages/sandbox-cluster && exec setsid node --require @backstage/cli/config/nodeTransform.cjs \
  src/main.ts --host 127.0.0.1 --port "$SANDBOX_PORT" --seed demo) &
pids+=($!)

# Frontend on :3000, backend on :7007 (both on this machine only).
echo "demo: starting $app (frontend) and backend"
setsid node .yarn/releases/yarn-4.13.0.cjs start "$app" backend &
pids+=($!)
wait -n "${pids[@]}"
