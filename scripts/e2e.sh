#!/usr/bin/env bash
# End-to-end tests in a real browser: builds both sample apps, starts the sandbox cluster (seeded
# with the demo) and the backend serving a built app on 127.0.0.1:7007, then runs Playwright with
# Debian's Chromium: first the app on the new frontend system (packages/app) as the guest, as
# marco and as sam (one database across them), then the legacy-frontend-system app
# (packages/app-legacy). Called by scripts/test.sh; can run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
ensure_workspace
export CI=true

if [[ ! -x /usr/bin/chromium ]]; then
  echo "setup: installing Debian's chromium" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

work=$(mktemp -d /tmp/job-assistant-e2e.XXXXXX)
pids=()
cleanup() {
  # Each server runs in its own process group (setsid): stop the group, wrappers and children.
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

for app in app app-legacy; do
  echo "== e2e: building $app"
  yarn workspace "$app" build >"$work/$app-build.log" 2>&1 || { cat "$work/$app-build.log"; exit 1; }
done

SANDBOX_PORT=${SANDBOX_PORT:-16443}
echo "== e2e: sandbox cluster on 127.0.0.1:$SANDBOX_PORT, backend on 127.0.0.1:7007"
(cd packages/sandbox-cluster && exec setsid node --require @backstage/cli/config/nodeTransform.cjs \
  src/main.ts --host 127.0.0.1 --port "$SANDBOX_PORT" --seed demo) >"$work/sandbox.log" 2>&1 &
pids+=($!)

export SANDBOX_CLUSTER_URL="http://127.0.0.1:$SANDBOX_PORT"
# One database for every phase (app-config.e2e.yaml): a run the guest asks for waits for Sam.
export E2E_DATABASE_DIR="$work/database"
backend_pid=

# Starts the backend signing the guest in as $1 (a catalog user) and serving the built app
# package $2 (app-backend's app.packageName), and waits until it serves the app and the catalog
# knows that user: sign-in looks the user up for its groups, and a session issued before the
# catalog has read the demo's users would have none.
start_backend() {
  local user=$1 app=$2
  # From source, without `package start`'s file watching, which could restart it mid-test.
  (cd packages/backend && DEMO_USER="$user" APP_CONFIG_app_packageName="$app" exec setsid node --require @backstage/cli/config/nodeTransform.cjs \
    src/index.ts --config ../../app-config.yaml --config ../../app-config.e2e.yaml) >>"$work/backend.log" 2>&1 &
  backend_pid=$!
  pids+=("$backend_pid")
  local name=${user##*/}
  for _ in $(seq 1 120); do
    token=$(curl -sf -H 'X-Requested-With: XMLHttpRequest' http://127.0.0.1:7007/api/auth/guest/refresh \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).backstageIdentity.token)}catch{}})' || true)
    if [[ -n "$token" ]] && curl -sf http://127.0.0.1:7007/ >/dev/null \
      && curl -sf -H "Authorization: Bearer $token" \
        "http://127.0.0.1:7007/api/catalog/entities/by-name/user/default/$name" >/dev/null; then
      return 0
    fi
    sleep 1
  done
  echo "backend did not start:"; tail -50 "$work/backend.log"; exit 1
}

stop_backend() {
  kill -- "-$backend_pid" 2>/dev/null || true
  while curl -sf http://127.0.0.1:7007/api/kubernetes-jobs/health >/dev/null 2>&1; do sleep 0.5; done
}

status=0
export PLAYWRIGHT_URL=http://127.0.0.1:7007
echo "== e2e: new frontend system app, signed in as guest (team-shop)"
start_backend user:default/guest app
yarn playwright test --project app --grep-invert '@as-marco|@as-sam' || status=$?

echo "== e2e: new frontend system app, signed in as marco (team-marketing)"
stop_backend
start_backend user:default/marco app
yarn playwright test --project app --grep @as-marco || status=$?

echo "== e2e: new frontend system app, signed in as sam (sre)"
stop_backend
start_backend user:default/sam app
yarn playwright test --project app --grep @as-sam || status=$?

echo "== e2e: legacy frontend system app, signed in as guest (team-shop)"
stop_backend
start_backend user:default/guest app-legacy
yarn playwright test --project app-legacy || status=$?

if [[ $status -ne 0 ]]; then
  echo "--- backend log (tail)"; tail -40 "$work/backend.log"
  echo "--- sandbox log (tail)"; tail -20 "$work/sandbox.log"
fi
exit $status
