// Seaworthy UI scenario: what a person does in VS Code with the packaged extension installed.
// Driven by test/e2e/harness/ui.mjs (code-server + headless chromium + playwright-core) on a fresh copy of
// examples/; scripts/e2e/run.sh builds the .vsix with the project's own scripts/package.mjs and runs:
//   node test/e2e/harness/ui.mjs --scenario test/e2e/ui/seaworthy.ui.mjs --vsix seaworthy.vsix --workspace examples
// Each step is a named function; a step that fails stops the scenario (the later ones build on it).
// Screenshots: test-results/e2e/ui-*.png; the best two are committed as docs/screenshot-diagnostics.png and
// docs/screenshot-report.png (copy them after a run that changed the UI).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const STATUS_ITEM = `${manifest.publisher}.${manifest.name}.seaworthy.score`;   // createStatusBarItem('seaworthy.score', ...)
const DOCKERFILE = 'shop/app/Dockerfile';

/** Palette label ("Category: Title") of a contributed command. */
function commandLabel(id) {
  const c = (manifest.contributes?.commands || []).find((x) => x.command === id);
  if (!c) throw new Error(`${id} is not contributed in package.json`);
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

/** Problems rows read "<message> seaworthy <rule-id> [Ln x, Col y]" (innerText; source then code). */
const row = (rule, line, col) => new RegExp(`seaworthy\\W*${rule}\\W*\\[Ln ${line}, Col ${col}\\]`);

const state = {};

export async function openExamples(ui) {
  await ui.openWorkspace();
}

export async function statusBarShowsScore(ui) {
  // Before the first workspace scan the item reads "Seaworthy"; then the score (0-100).
  const { text, label } = await ui.waitForStatusBarItem(STATUS_ITEM, /^\d{1,3}$/);
  state.score = Number(text);
  ui.assert.ok(state.score >= 0 && state.score <= 100, `score ${text}`);
  console.log(`    status bar: "${text}" (${label})`);
}

export async function dockerfileShowsSquiggles(ui) {
  await ui.openFile(DOCKERFILE);
  const errors = await ui.waitForSquiggles('error');
  const warnings = await ui.waitForSquiggles('warning');
  ui.assert.ok(errors > 0 && warnings > 0, `${errors} error and ${warnings} warning squiggles`);
}

export async function problemsPanelListsFindings(ui) {
  // examples/shop/app/Dockerfile: FROM node:latest (line 2), ARG NPM_TOKEN=npm_... (line 3), ENV ... DB_PASSWORD (line 12).
  for (const [rule, line, col] of [['unpinned-image', 2, 6], ['hardcoded-secret', 3, 15], ['hardcoded-secret', 12, 17]]) {
    await ui.waitForProblem(row(rule, line, col));
  }
  const rows = await ui.readProblems();
  const ours = rows.filter((r) => /seaworthy/.test(r));
  console.log(`    ${ours.length} Problems rows from seaworthy, e.g.:\n      ${ours.slice(0, 4).map((r) => r.slice(0, 140)).join('\n      ')}`);
  ui.assert.ok(ours.length >= 5, `at least 5 findings listed, got ${ours.length}`);
  ui.assert.ok(rows.some((r) => /^Dockerfile\s*shop\/app\b/.test(r)), `a file row for shop/app/Dockerfile in ${JSON.stringify(rows.slice(0, 3))}`);
  state.rowsBefore = ours;
}

export async function hoverExplainsTheSecret(ui) {
  const text = await ui.showHover({ line: 12, column: 20 });
  ui.assert.match(text, /DB_PASSWORD holds a hardcoded secret/);
  ui.assert.match(text, /seaworthy\W*hardcoded-secret/);
  ui.assert.ok(!text.includes('shop-secret-2024'), 'the hover masks the secret');
  await ui.screenshot('ui-diagnostics');
  await ui.pressEscape();
}

export async function quickFixPinsTheImage(ui) {
  const pin = 'Use tag "20.11-bookworm-slim" (already used for node in this file)';
  const fixes = await ui.applyQuickFix(pin, { line: 2, column: 8 });
  console.log(`    Ctrl+. on line 2 offered: ${JSON.stringify(fixes)}`);
  for (const t of ['Ignore unpinned-image for this line', 'Ignore unpinned-image for this file']) {
    ui.assert.ok(fixes.includes(t), `"${t}" offered: ${JSON.stringify(fixes)}`);
  }
  const lines = await ui.editorLines();
  ui.assert.ok(lines.includes('FROM node:20.11-bookworm-slim AS build'), `line 2 pinned: ${JSON.stringify(lines.slice(0, 3))}`);
  const end = Date.now() + 30000;
  let rows = await ui.readProblems();
  while (rows.some((r) => row('unpinned-image', 2, 6).test(r)) && Date.now() < end) { await ui.page.waitForTimeout(250); rows = await ui.readProblems(); }
  ui.assert.ok(!rows.some((r) => /seaworthy\W*unpinned-image/.test(r)), 'the unpinned-image row is gone');
  ui.assert.ok(rows.some((r) => row('hardcoded-secret', 3, 15).test(r)), 'the other findings stay');
  await ui.screenshot('ui-after-quickfix');
}

export async function reportFromCommandPalette(ui) {
  await ui.hidePanel();   // the report gets the whole editor area (and the screenshot shows more of it)
  const before = await ui.tabTitles();
  await ui.runCommand(commandLabel('seaworthy.showReport'));
  const tab = await ui.waitForNewTab(before);
  const m = /Production Readiness: (\d+)/.exec(tab);
  ui.assert.ok(m, `report tab title "${tab}"`);
  const text = await ui.waitForWebviewText(/hardcoded-secret/);
  ui.assert.match(text, /Production Readiness/);
  ui.assert.match(text, /shop\/app\/Dockerfile/);
  ui.assert.match(text, new RegExp(`\\b${m[1]}\\b`), 'the page shows the score of its tab title');
  // The status bar follows the same score (it is pushed after every re-analysis, e.g. the quick fix).
  const { text: shown } = await ui.waitForStatusBarItem(STATUS_ITEM, new RegExp(`^${m[1]}$`));
  console.log(`    report "${tab}"; status bar ${shown} (was ${state.score} before the quick fix)`);
  await ui.page.waitForTimeout(500);   // let the webview finish painting
  await ui.screenshot('ui-report');
}

export default {
  name: 'seaworthy',
  steps: [
    ['workbench opens examples/', openExamples],
    ['status bar shows the Production Readiness score', statusBarShowsScore],
    ['shop/app/Dockerfile shows error and warning squiggles', dockerfileShowsSquiggles],
    ['Problems panel lists unpinned-image and hardcoded-secret rows', problemsPanelListsFindings],
    ['hover on the secret explains it (masked) with the rule id', hoverExplainsTheSecret],
    ['Ctrl+. "Use tag ..." pins FROM node:latest and its row disappears', quickFixPinsTheImage],
    ['F1 "Seaworthy: Show Production Readiness Report" opens the report with the status bar score', reportFromCommandPalette],
  ],
};
