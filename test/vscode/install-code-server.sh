#!/usr/bin/env bash
# Installs the tools that the VS Code tests need, offline except for the npm registry:
#   - Node 24 (the npm package `node@24`), which code-server needs at install and run time;
#   - code-server 4.139.1 (a real VS Code server + workbench; it bundles ripgrep).
# into $LAYERWISE_TOOLS (default: <project>/.tools, gitignored):
#   $LAYERWISE_TOOLS/node24/node_modules/node/bin/node
#   $LAYERWISE_TOOLS/code-server-4.139.1/node_modules/code-server/out/node/entry.js
# Idempotent: a tool that is already there at the right version (and was verified after its
# install) is skipped. Needs Debian's libkrb5-dev (code-server's native `kerberos` module) and a
# C/C++ toolchain; Chromium (Debian's `chromium`) is used by the tests, not installed here.
#
# About npm 11 and install scripts: npm 11.19 tracks dependencies' install scripts against the
# `allowScripts` field of the installing project's package.json (advisory in this release:
# unreviewed scripts still run, with a warning; a later release blocks them). Each tool is
# installed into its own tiny project whose package.json approves exactly the packages whose
# scripts must run (node: fetches the platform binary; code-server: its postinstall installs
# VS Code's own dependencies and builds their native modules; argon2). After the install the
# script checks that code-server's postinstall really ran and that the native modules load
# under Node 24, and fails loudly otherwise.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_SPEC=${LAYERWISE_NODE24_SPEC:-node@24}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
tools=${LAYERWISE_TOOLS:-$project/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)

node24_dir=$tools/node24
node24_bin=$node24_dir/node_modules/node/bin
cs_dir=$tools/code-server-$CODE_SERVER_VERSION
cs_pkg=$cs_dir/node_modules/code-server
cs_marker=$cs_dir/.layerwise-verified

log() { printf '[install-code-server] %s\n' "$*"; }

npm_install() { # dir, log file, packages...
  local dir=$1 logf=$2; shift 2
  (cd "$dir" && npm install --no-audit --no-fund --no-update-notifier --foreground-scripts \
      --loglevel=warn "$@") >"$logf" 2>&1 || {
    log "npm install $* failed; last lines of $logf:"
    tail -n 60 "$logf" >&2
    return 1
  }
}

# ---------------------------------------------------------------- Node 24
node24_ok() {
  [ -x "$node24_bin/node" ] && [[ "$("$node24_bin/node" --version 2>/dev/null)" == v24.* ]]
}
if node24_ok; then
  log "Node $("$node24_bin/node" --version) already in $node24_bin (skipped)"
else
  log "installing $NODE_SPEC into $node24_dir"
  rm -rf "$node24_dir"
  mkdir -p "$node24_dir"
  cat >"$node24_dir/package.json" <<'EOF'
{ "name": "layerwise-tools-node24", "private": true, "allowScripts": { "node": true } }
EOF
  npm_install "$node24_dir" "$tools/install-node24.log" "$NODE_SPEC"
  node24_ok || { log "Node 24 did not install (its preinstall fetches node-bin; see $tools/install-node24.log)"; exit 1; }
  log "Node $("$node24_bin/node" --version) installed"
fi
export PATH="$node24_bin:$PATH"

# ---------------------------------------------------------------- code-server
verify_code_server() {
  # 1. postinstall ran: VS Code's own dependencies are there and the CLI symlink was made.
  [ -f "$cs_pkg/out/node/entry.js" ] || { log "missing $cs_pkg/out/node/entry.js"; return 1; }
  [ -d "$cs_pkg/lib/vscode/node_modules" ] || { log "code-server's postinstall did not run (no lib/vscode/node_modules)"; return 1; }
  [ -e "$cs_pkg/lib/vscode/bin/remote-cli/code-server" ] || { log "code-server's postinstall did not finish (no remote-cli link)"; return 1; }
  # 2. native modules load under Node 24.
  (cd "$cs_pkg/lib/vscode" && node -e '
    const mods = ["kerberos", "node-pty", "@vscode/spdlog", "@vscode/sqlite3", "@vscode/native-watchdog", "@parcel/watcher"];
    let bad = 0;
    for (const m of mods) { try { require(m); } catch (e) { bad++; console.error("native module " + m + " does not load: " + String(e.message).split("\n")[0]); } }
    process.exit(bad ? 1 : 0);') || return 1
  (cd "$cs_pkg" && node -e 'require("argon2")') || { log "argon2 does not load"; return 1; }
  # 3. it runs (with throwaway config/data folders: it writes a default config on first start).
  local v scratch
  scratch=$(mktemp -d)
  v=$(XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data XDG_CACHE_HOME=$scratch/cache TMPDIR=$scratch \
      node "$cs_pkg/out/node/entry.js" --version 2>&1) || { rm -rf "$scratch"; log "code-server --version failed: $v"; return 1; }
  rm -rf "$scratch"
  grep -q "^$CODE_SERVER_VERSION " <<<"$v" || { log "code-server --version said: $v"; return 1; }
}

cs_version() { node -p "require('$cs_pkg/package.json').version" 2>/dev/null || true; }

if [ -f "$cs_marker" ] && [ "$(cs_version)" = "$CODE_SERVER_VERSION" ]; then
  log "code-server $CODE_SERVER_VERSION already in $cs_dir (skipped)"
elif [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] && verify_code_server; then
  # Installed earlier but never marked (e.g. a verification that failed for another reason).
  date -u +%FT%TZ >"$cs_marker"
  log "code-server $CODE_SERVER_VERSION already in $cs_dir (verified now, skipped)"
else
  command -v krb5-config >/dev/null 2>&1 || log "warning: krb5-config not found: code-server's kerberos module needs Debian's libkrb5-dev"
  log "installing code-server@$CODE_SERVER_VERSION into $cs_dir (≈3 min, ≈620 MB; log: $tools/install-code-server.log)"
  staging=$cs_dir.partial
  rm -rf "$staging" "$cs_dir"
  mkdir -p "$staging"
  cat >"$staging/package.json" <<'EOF'
{ "name": "layerwise-tools-code-server", "private": true,
  "allowScripts": { "code-server": true, "argon2": true } }
EOF
  start=$(date +%s)
  npm_install "$staging" "$tools/install-code-server.log" "code-server@$CODE_SERVER_VERSION"
  mv "$staging" "$cs_dir"
  if ! verify_code_server; then
    log "code-server installed but failed verification; last lines of $tools/install-code-server.log:"
    tail -n 40 "$tools/install-code-server.log" >&2
    exit 1
  fi
  date -u +%FT%TZ >"$cs_marker"
  log "code-server $CODE_SERVER_VERSION installed and verified in $(( $(date +%s) - start )) s"
fi

log "node24:      $node24_bin/node"
log "code-server: $cs_pkg/out/node/entry.js (run it with Node 24 first on PATH)"
if [ -x /usr/bin/chromium ]; then log "chromium:    /usr/bin/chromium"; else log "warning: /usr/bin/chromium missing (apt-get install chromium)"; fi
