#!/usr/bin/env bash
# Proves the README's "Installing into an existing Backstage" section in a fresh app, as a new user
# would follow it: packs the four packages with the README's commands, creates an app with
# @backstage/create-app 0.9.2 from the npm registry, points its resolutions at the tarballs, runs the
# README's `yarn --cwd ...` commands as written, makes the README's backend and app-config changes,
# type-checks and builds the app, starts its backend against the sandbox cluster and checks that the
# plugin answers (health, a definitions list with a guest token, the guest refused a Run with nothing
# created) and that the app's bundle has the Jobs tab. The last step of scripts/test.sh; can run alone.
#
# The one thing the README does not say: create-app's package.json files name Backstage packages
# with caret ranges, and the registry here is a partial mirror where newer releases of the line's
# packages exist. So the fresh app's resolutions pin every Backstage package to the version create-app
# 0.9.2 names (and this repository's resolutions for the ones it does not name): the check tests our
# packages, not registry drift.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
source scripts/setup-node.sh
ensure_workspace
export CI=true

work=$(mktemp -d /tmp/job-assistant-verify-install.XXXXXX)
packs=$work/packs
app=$work/app
pids=()
passed=
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # A failed run keeps its app and logs for reading; a passed one leaves nothing behind.
  if [[ -n $passed ]]; then rm -rf "$work"; else echo "verify-install: app and logs kept in $work" >&2; fi
}
trap cleanup EXIT

# The README's install section, where the commands and blocks below come from.
section=$work/install-section.md
sed -n '/^## Installing into an existing Backstage/,/^### How the backend reads clusters/p' README.md >"$section"
# Prints the fenced block that follows the first line of the section containing $1.
block_after() {
  awk -v marker="$1" 'index($0, marker) { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$section"
}
# Fails unless the README's section contains the line $1 (the script applies it as written).
readme_has() {
  grep -qF -- "$1" "$section" || { echo "verify-install: README install section lacks: $1" >&2; exit 1; }
}

# create-app checks that `yarn` is an executable on PATH; the fresh app then runs the yarn release
# its template commits (yarnPath).
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node "%s/.yarn/releases/yarn-4.13.0.cjs" "$@"\n' "$repo" >"$work/bin/yarn"
chmod +x "$work/bin/yarn"
unset -f yarn
export PATH="$work/bin:$PATH"

echo "== verify-install: packing the packages (README's commands) into $packs"
pack_block=$(block_after '### The packages')
grep -q 'yarn pack --out /tmp/job-assistant/' <<<"$pack_block" \
  || { echo "verify-install: no yarn pack command in the README" >&2; exit 1; }
mkdir -p "$packs"
bash -euo pipefail -c "${pack_block//\/tmp\/job-assistant/$packs}" >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; exit 1; }
ls "$packs"
[[ $(ls "$packs"/*.tgz | wc -l) -eq 4 ]] || { echo "verify-install: expected 4 tarballs" >&2; exit 1; }

echo "== verify-install: npx @backstage/create-app@0.9.2 (non-interactive)"
BACKSTAGE_APP_NAME=verify-app npx -y @backstage/create-app@0.9.2 --skip-install --path "$app" \
  </dev/null >"$work/create-app.log" 2>&1 || { cat "$work/create-app.log"; exit 1; }

echo "== verify-install: resolutions (Backstage pinned to create-app 0.9.2's versions; the README's tarballs)"
resolutions_json=$(block_after 'in the `resolutions` of')
node - "$app" "$repo" "$packs" "$resolutions_json" <<'EOF'
const fs = require('fs');
const path = require('path');
const [app, repo, packs, readmeJson] = process.argv.slice(2);
const rootFile = path.join(app, 'package.json');
const root = JSON.parse(fs.readFileSync(rootFile, 'utf8'));
const pins = {};
const manifests = [
  rootFile,
  ...fs
    .readdirSync(path.join(app, 'packages'))
    .map(p => path.join(app, 'packages', p, 'package.json'))
    .filter(f => fs.existsSync(f)),
];
for (const file of manifests) {
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (name.startsWith('@backstage/')) pins[name] = range.replace(/^\^/, '');
    }
  }
}
const ours = require(path.join(repo, 'package.json')).resolutions;
for (const [name, version] of Object.entries(ours)) {
  if (name.startsWith('@backstage/') && !(name in pins)) pins[name] = version;
}
// The README's block, with its example folder replaced by where this run packed the tarballs.
const readme = JSON.parse(`{${readmeJson}}`).resolutions;
const tarballs = {};
for (const [name, spec] of Object.entries(readme)) {
  const file = path.join(packs, path.basename(spec.replace(/^file:/, '')));
  if (!fs.existsSync(file)) throw new Error(`README names ${spec}, but packing made no ${file}`);
  tarballs[name] = `file:${file}`;
}
root.resolutions = { ...root.resolutions, ...pins, ...tarballs };
fs.writeFileSync(rootFile, `${JSON.stringify(root, null, 2)}\n`);
console.log(`${Object.keys(pins).length} Backstage pins, ${Object.keys(tarballs).length} tarballs`);
EOF

cd "$app"
# A new app's first install writes its lockfile; CI=true alone would make yarn refuse to.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false
echo "== verify-install: yarn install"
yarn install >"$work/install.log" 2>&1 || { tail -60 "$work/install.log"; exit 1; }

echo "== verify-install: the README's yarn commands"
while IFS= read -r cmd; do
  echo "   $cmd"
  eval "$cmd" >>"$work/install.log" 2>&1 || { tail -60 "$work/install.log"; exit 1; }
done < <(grep '^yarn --cwd packages/' "$section")
grep -q '"@job-assistant/plugin-kubernetes-jobs-backend"' packages/backend/package.json
grep -q '"@job-assistant/plugin-kubernetes-jobs"' packages/app/package.json
if grep -q 'allow-all-policy' packages/backend/package.json; then
  echo "verify-install: the allow-all policy is still a backend dependency" >&2; exit 1
fi
# One copy of each Backstage package the plugins share with the app.
find . -regex '.*/node_modules/@backstage/[^/]*/package.json' \
  | sed 's#.*/node_modules/##; s#/package.json##' | sort | uniq -c | awk '$1 > 1' >"$work/duplicates.txt"
for dup in plugin-catalog-react core-compat-api plugin-catalog-node backend-plugin-api frontend-plugin-api core-plugin-api; do
  if grep -q " @backstage/$dup\$" "$work/duplicates.txt"; then
    echo "verify-install: more than one copy of @backstage/$dup:" >&2; cat "$work/duplicates.txt" >&2; exit 1
  fi
done

echo "== verify-install: backend index.ts as the README shows it"
readme_has "backend.add(import('@job-assistant/plugin-kubernetes-jobs-backend'));"
readme_has "  import('@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy'),"
readme_has "// backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));"
node - <<'EOF'
const fs = require('fs');
const file = 'packages/backend/src/index.ts';
let src = fs.readFileSync(file, 'utf8');
const allowAll = "backend.add(\n  import('@backstage/plugin-permission-backend-module-allow-all-policy'),\n);\n";
if (!src.includes(allowAll)) throw new Error(`${file}: create-app's allow-all line not found`);
src = src.replace(
  allowAll,
  "// In place of create-app's allow-all module:\n" +
    "// backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));\n" +
    "backend.add(\n  import('@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy'),\n);\n",
);
src = src.replace('backend.start();', "backend.add(import('@job-assistant/plugin-kubernetes-jobs-backend'));\n\nbackend.start();");
fs.writeFileSync(file, src);
EOF

echo "== verify-install: app-config.yaml as the README shows it"
SANDBOX_PORT=${VERIFY_SANDBOX_PORT:-16453}
BACKEND_PORT=${VERIFY_BACKEND_PORT:-7027}
config_block=$(block_after 'In `app-config.yaml`, in place of')
grep -q '^kubernetes:' <<<"$config_block"
node - "$config_block" <<'EOF'
const fs = require('fs');
const block = process.argv[2];
const file = 'app-config.yaml';
const lines = fs.readFileSync(file, 'utf8').split('\n');
const at = lines.indexOf('kubernetes:');
if (at < 0) throw new Error(`${file}: create-app's kubernetes key not found`);
let end = at + 1;
while (end < lines.length && (lines[end] === '' || /^\s/.test(lines[end]))) end++;
lines.splice(at, end - at, ...block.split('\n'), '');
fs.writeFileSync(file, lines.join('\n'));
EOF
# The README's example cluster, pointed at the sandbox cluster; the catalog reads this repository's
# demo entities (a Component owning the sandbox's demo Jobs, the demo's users and groups).
# The sandbox speaks plain HTTP, which the Kubernetes client accepts only with skipTLSVerify (the
# README's alternative to caData).
grep -q 'caData: ${K8S_CA_DATA} .*skipTLSVerify: true' app-config.yaml
sed -i -e "s#https://k8s.example.com:6443#http://127.0.0.1:$SANDBOX_PORT#" \
  -e 's#caData: ${K8S_CA_DATA} .*#skipTLSVerify: true#' app-config.yaml
cat >app-config.local.yaml <<EOF
app:
  baseUrl: http://127.0.0.1:$BACKEND_PORT
backend:
  baseUrl: http://127.0.0.1:$BACKEND_PORT
  listen:
    port: $BACKEND_PORT
    host: 127.0.0.1
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, User, Group]
  locations:
    - type: file
      target: $repo/examples/entities.yaml
    - type: file
      target: $repo/examples/org.yaml
EOF

echo "== verify-install: type check and build"
yarn tsc >"$work/build.log" 2>&1 || { tail -60 "$work/build.log"; exit 1; }
yarn workspace app build >>"$work/build.log" 2>&1 || { tail -60 "$work/build.log"; exit 1; }
yarn build:backend >>"$work/build.log" 2>&1 || { tail -60 "$work/build.log"; exit 1; }
# The Jobs tab and page are in the bundle feature discovery built.
grep -lqE 'pluginId: ?"kubernetes-jobs"' packages/app/dist/static/*.js \
  || { echo "verify-install: the app bundle has no Jobs plugin" >&2; exit 1; }

echo "== verify-install: backend against the sandbox cluster on 127.0.0.1:$SANDBOX_PORT"
(cd "$repo/packages/sandbox-cluster" && exec setsid node --require @backstage/cli/config/nodeTransform.cjs \
  src/main.ts --host 127.0.0.1 --port "$SANDBOX_PORT" --seed demo) >"$work/sandbox.log" 2>&1 &
pids+=($!)
(export K8S_JOBS_TOKEN=sandbox-admin-token; exec setsid yarn workspace backend start) >"$work/backend.log" 2>&1 &
pids+=($!)

base=http://127.0.0.1:$BACKEND_PORT
token=
for _ in $(seq 1 180); do
  token=$(curl -sf -H 'X-Requested-With: XMLHttpRequest' "$base/api/auth/guest/refresh" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).backstageIdentity.token)}catch{}})' || true)
  if [[ -n "$token" ]] && curl -sf "$base/api/kubernetes-jobs/health" >/dev/null \
    && curl -sf -H "Authorization: Bearer $token" "$base/api/catalog/entities/by-name/component/default/shop" >/dev/null; then
    break
  fi
  token=
  sleep 1
done
[[ -n "$token" ]] || { echo "verify-install: the backend did not start"; tail -60 "$work/backend.log"; exit 1; }

curl -sf "$base/api/kubernetes-jobs/health"; echo
definitions=$(curl -sf -H "Authorization: Bearer $token" "$base/api/kubernetes-jobs/definitions?entityRef=component:default/shop")
first=$(node -e '
  const d = JSON.parse(process.argv[1]);
  if (!d.items?.length) { console.error("no definitions:", process.argv[1]); process.exit(1); }
  const def = d.items[0].definition;
  console.log([def.cluster, def.namespace, def.kind.toLowerCase(), def.name].join("/"));
  console.error(`${d.items.length} definitions for component:default/shop, first ${def.name}`);' "$definitions")
jobs_before=$(curl -sf -H 'Authorization: Bearer sandbox-admin-token' "http://127.0.0.1:$SANDBOX_PORT/apis/batch/v1/jobs" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items.length))')
# The guest owns nothing: the owner policy lets it look, not Run.
status=$(curl -s -o "$work/run.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"entityRef":"component:default/shop"}' \
  "$base/api/kubernetes-jobs/definitions/$first/runs")
jobs_after=$(curl -sf -H 'Authorization: Bearer sandbox-admin-token' "http://127.0.0.1:$SANDBOX_PORT/apis/batch/v1/jobs" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items.length))')
echo "guest Run of $first: $status $(cat "$work/run.json"); Jobs in the cluster before $jobs_before, after $jobs_after"
[[ $status == 403 ]] || { echo "verify-install: expected 403 for the guest's Run" >&2; exit 1; }
[[ $jobs_before == "$jobs_after" ]] || { echo "verify-install: a refused Run created a Job" >&2; exit 1; }
if grep -q 'sandbox-admin-token' "$work/backend.log"; then
  echo "verify-install: the cluster token is in the backend log" >&2; exit 1
fi
passed=yes
echo "== verify-install: the README's install steps work in a fresh create-app 0.9.2 app"
