// UI driver: uses the real VS Code workbench (code-server) as a person would, in headless chromium,
// with the extension INSTALLED from a .vsix (no development payload).
//
// CLI:  node ui.mjs --scenario <file.mjs> (--vsix <file.vsix> | --extension <dir to package>)
//                   [--workspace <fixture dir, copied fresh>] [--name <label>]
// A scenario module default-exports { name, steps: [[title, async (ui) => { ... }], ...] }; each step
// gets the driver object below (ui.openFile(...), ui.readProblems(), ...). Steps run in order; the
// first failing step saves test-results/e2e/failure-ui-<scenario>-<step>.png, prints the extension host
// and code-server log tails, and the remaining steps are reported as skipped.
// Last line printed: "ui: N passed, N failed[, N skipped]"; exit code 1 on any failure.
// Env: SEAWORTHY_E2E_VSCE_FLAGS (extra `vsce package` flags, e.g. "--no-dependencies"),
//      UI_STEP_TIMEOUT_MS (default 60000 per wait), SEAWORTHY_E2E_KEEP_STATE=1, VERBOSE=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, saveScreenshot } from './browser.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { HARNESS_DIR, KEEP_STATE, NODE24_BIN, VERBOSE, VSCE, freshWorkspace, log, makeStateDir, safeName } from './env.mjs';

const STEP_TIMEOUT = Number(process.env.UI_STEP_TIMEOUT_MS || 60000);

// ------------------------------------------------------------------------------------------------
// Packaging + session
// ------------------------------------------------------------------------------------------------

/**
 * Package an extension folder into a .vsix with vsce (as a user would get it from a marketplace).
 * The build is NOT re-run: the folder is staged into a temp dir (without .git, .cache, test-results and,
 * with --no-dependencies, node_modules) and the staged package.json loses its "vscode:prepublish" script,
 * which vsce would otherwise run. SEAWORTHY_E2E_VSCE_PREPUBLISH=1 packages in place, prepublish included.
 */
export function packageExtension(extensionDir, outFile) {
  const flags = (process.env.SEAWORTHY_E2E_VSCE_FLAGS || '').split(/\s+/).filter(Boolean);
  const t0 = Date.now();
  let cwd = extensionDir;
  let stage;
  if (process.env.SEAWORTHY_E2E_VSCE_PREPUBLISH !== '1') {
    stage = path.join(path.dirname(outFile), 'stage');
    const skipTop = new Set(['.git', '.cache', '.vscode-test', 'test-results', ...(flags.includes('--no-dependencies') ? ['node_modules'] : [])]);
    fs.cpSync(extensionDir, stage, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(extensionDir, src);
        return !skipTop.has(rel.split(path.sep)[0]) && !rel.endsWith('.vsix');
      },
    });
    const pj = path.join(stage, 'package.json');
    const m = JSON.parse(fs.readFileSync(pj, 'utf8'));
    if (m.scripts && m.scripts['vscode:prepublish']) { delete m.scripts['vscode:prepublish']; fs.writeFileSync(pj, JSON.stringify(m, null, 2)); }
    cwd = stage;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(cwd, '.vscodeignore')) && !manifest.files && !flags.includes('--ignoreFile')) {
    // Without any ignore list vsce would pack everything, including node_modules and .cache/e2e-tools.
    log('ui', `WARNING: ${extensionDir} has no .vscodeignore; packaging with ${path.join(HARNESS_DIR, 'fallback.vscodeignore')}`);
    flags.push('--ignoreFile', path.join(HARNESS_DIR, 'fallback.vscodeignore'));
  }
  const args = [VSCE, 'package', '--skip-license', '--allow-missing-repository', '--allow-star-activation', '--out', outFile, ...flags];
  // vsce shells out to npm (dependency listing / vscode:prepublish): keep Node 24 first on PATH.
  const env = { ...process.env, PATH: `${path.dirname(NODE24_BIN)}${path.delimiter}${process.env.PATH}` };
  const r = spawnSync(NODE24_BIN, args, { cwd, env, encoding: 'utf8', timeout: 300000, input: '' });
  if (stage) fs.rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`vsce package failed in ${cwd} (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  log('ui', `packaged ${extensionDir} -> ${outFile} (${(fs.statSync(outFile).size / 1024).toFixed(0)} KiB, ${Date.now() - t0} ms)`);
  return outFile;
}

/**
 * Start code-server with the .vsix installed, open chromium. Returns the driver object `ui`
 * (call ui.close() at the end). opts: vsix, workspaceFixture (dir copied fresh), settings, env.
 */
export async function startUiSession(opts) {
  const stateDir = makeStateDir('sw-ui-');
  if (opts.vsix) installExtension(opts.vsix, { stateDir });
  let folder = path.join(stateDir, 'ws');
  if (opts.workspaceFixture) folder = freshWorkspace(opts.workspaceFixture, stateDir);
  else fs.mkdirSync(folder, { recursive: true });
  const server = await startCodeServer({ stateDir, settings: opts.settings, env: opts.env, smokeTestDriver: false });
  let browser;
  try {
    browser = await launchBrowser(stateDir, { env: server.env });
  } catch (e) { await server.stop(); throw e; }
  browser.context.setDefaultTimeout(STEP_TIMEOUT);
  const { page } = browser;
  if (VERBOSE) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  return makeDriver({ page, server, browser, folder, stateDir });
}

export class SkipStep extends Error {}

// ------------------------------------------------------------------------------------------------
// The driver: one clearly named function per thing a person does
// ------------------------------------------------------------------------------------------------
function makeDriver({ page, server, browser, folder, stateDir }) {
  const quickInput = page.locator('.quick-input-widget');
  const ui = {
    page, server, folder, stateDir, assert,

    /** Mark the current step as skipped (feature not there yet); ends the step. */
    skip(reason) { throw new SkipStep(reason); },

    /** Open the workbench on the workspace folder and wait until the explorer shows it. */
    async openWorkspace() {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
      await page.locator('.monaco-workbench').waitFor();
      await page.locator('.explorer-folders-view').waitFor();
      log('ui', `workbench open on ${folder}`);
    },

    /** Ctrl+P quick open: open a file by (relative) name and wait for its editor tab. */
    async openFile(name) {
      await page.keyboard.press('Control+P');
      await quickInput.locator('input').fill(name);
      const base = path.basename(name);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: base }).waitFor();
      await page.locator('.monaco-editor .view-lines').first().waitFor();
      log('ui', `opened ${name}`);
    },

    /** Wait until the active editor shows squiggles: severity 'error' | 'warning' | 'info' | 'any'. */
    async waitForSquiggles(severity = 'any', timeout = STEP_TIMEOUT) {
      const sel = severity === 'any'
        ? '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info'
        : `.monaco-editor .squiggly-${severity}`;
      await page.locator(sel).first().waitFor({ timeout });
      const n = await page.locator(sel).count();
      log('ui', `${n} ${severity} squiggle(s) rendered`);
      return n;
    },

    /** Wait until no squiggles of that severity are left in the active editor. */
    async waitForNoSquiggles(severity = 'error', timeout = STEP_TIMEOUT) {
      await page.locator(`.monaco-editor .squiggly-${severity}`).first().waitFor({ state: 'detached', timeout });
    },

    /** Ctrl+Shift+M: show the Problems panel. */
    async openProblemsPanel() {
      if (!(await page.locator('.markers-panel').isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor();
    },

    /** Rows of the Problems panel as normalised text (file rows and problem rows). */
    async readProblems() {
      await ui.openProblemsPanel();
      const rows = await page.locator('.markers-panel .monaco-tl-row').allInnerTexts();
      return rows.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
    },

    /**
     * Wait until some Problems row matches (string = substring, or RegExp) and return all rows.
     * Matches the rows' innerText as readProblems() returns it ("<message> <source> <code> [Ln x, Col y]");
     * the DOM text has no separators between message, source and code.
     */
    async waitForProblem(match, timeout = STEP_TIMEOUT) {
      const test = (r) => (typeof match === 'string' ? r.includes(match) : match.test(r));
      const end = Date.now() + timeout;
      for (;;) {
        const rows = await ui.readProblems();
        if (rows.some(test)) return rows;
        if (Date.now() > end) throw new Error(`no Problems row matches ${match} after ${timeout} ms; rows: ${JSON.stringify(rows)}`);
        await page.waitForTimeout(250);
      }
    },

    /** Ctrl+G: move the cursor to line:column (1-based) in the active editor. */
    async gotoLine(line, column = 1) {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await quickInput.locator('input').fill(`:${line}:${column}`);
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
    },

    /** Ctrl+. at the cursor (or at line:column): titles of the offered code actions (the menu is closed again). */
    async listQuickFixes({ line, column } = {}) {
      if (line) await ui.gotoLine(line, column);
      await page.keyboard.press('Control+.');
      const rows = page.locator('.action-widget .monaco-list-row.action');   // not the group headers
      await rows.first().waitFor();
      const titles = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      await page.keyboard.press('Escape');
      await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' }).catch(() => {});
      return titles;
    },

    /** Ctrl+. at the cursor (or at line:column) and click the code action whose title contains `title`. */
    async applyQuickFix(title, { line, column } = {}) {
      if (line) await ui.gotoLine(line, column);
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: title });
      await fix.first().waitFor();
      await fix.first().click();
      await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' }).catch(() => {});
      log('ui', `applied quick fix "${title}"`);
    },

    /** F1 command palette: run a command by its palette label ("Category: Title"). */
    async runCommand(label) {
      await page.keyboard.press('F1');
      await quickInput.locator('input').fill(`>${label}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
      await page.keyboard.press('Enter');
      log('ui', `ran command "${label}"`);
    },

    /** Wait for a notification toast containing text; returns the toasts' text. */
    async waitForNotification(text, timeout = STEP_TIMEOUT) {
      const toast = page.locator('.notifications-toasts', { hasText: text });
      await toast.waitFor({ timeout });
      return (await toast.innerText()).replace(/\s+/g, ' ').trim();
    },

    /** Text of the visible lines of the active editor. */
    async editorLines() {
      const lines = await page.locator('.editor-group-container.active .monaco-editor .view-line').allInnerTexts();
      return lines.map((l) => l.replace(/\u00a0/g, ' '));
    },

    /** Titles of the open editor tabs. */
    async tabTitles() {
      return (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    },

    /** innerText of the webviews' content frames (e.g. a report panel); '' while none has loaded. */
    async webviewText() {
      const texts = [];
      for (const f of page.frames()) {
        if (!/\/webview\/browser\/pre\/fake\.html/.test(f.url())) continue;
        try { texts.push(await f.evaluate(() => (document.body ? document.body.innerText : ''))); } catch { /* detached */ }
      }
      return texts.join('\n').trim();
    },

    /** Wait until a webview shows text matching (string = substring, or RegExp); returns the text. */
    async waitForWebviewText(match, timeout = STEP_TIMEOUT) {
      const end = Date.now() + timeout;
      for (;;) {
        const text = await ui.webviewText();
        if (typeof match === 'string' ? text.includes(match) : match.test(text)) return text;
        if (Date.now() > end) throw new Error(`no webview shows ${match} after ${timeout} ms; webview text: ${JSON.stringify(text.slice(0, 300))}`);
        await page.waitForTimeout(250);
      }
    },

    /** Wait until an editor tab that was not in `before` (from tabTitles()) is open; returns its title. */
    async waitForNewTab(before, timeout = STEP_TIMEOUT) {
      const end = Date.now() + timeout;
      for (;;) {
        const added = (await ui.tabTitles()).filter((t) => !before.includes(t));
        if (added.length) return added[0];
        if (Date.now() > end) throw new Error(`no new editor tab after ${timeout} ms; tabs: ${JSON.stringify(before)}`);
        await page.waitForTimeout(200);
      }
    },

    async pressEscape() { await page.keyboard.press('Escape'); },

    /** Screenshot to test-results/e2e/<name>.png. */
    screenshot(name) { return saveScreenshot(page, name); },

    /** Log tails that explain a failure. */
    logTails(lines = 60) { return server.logTails(lines); },

    async close({ keepState = false } = {}) {
      await browser.close();
      await server.stop();
      if (keepState || KEEP_STATE) log('ui', `state kept in ${stateDir}`);
      else fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return ui;
}

// ------------------------------------------------------------------------------------------------
// Scenario runner
// ------------------------------------------------------------------------------------------------
export async function runScenario(scenario, sessionOpts) {
  const name = scenario.name || 'ui';
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let ui;
  try {
    ui = await startUiSession(sessionOpts);
  } catch (e) {
    console.error(`[ui] could not start the session: ${e.stack || e.message}`);
    return { passed: 0, failed: 1, skipped: scenario.steps.length };
  }
  let failed = false;
  for (const [title, fn] of scenario.steps) {
    if (failed) { counts.skipped++; console.log(`  - ${title} (skipped)`); continue; }
    const t0 = Date.now();
    try {
      await fn(ui);
      counts.passed++;
      console.log(`  ✔ ${title} (${Date.now() - t0} ms)`);
    } catch (e) {
      if (e instanceof SkipStep) {
        counts.skipped++;
        console.log(`  - ${title} (skipped: ${e.message})`);
        await ui.pressEscape().catch(() => {});
        continue;
      }
      failed = true; counts.failed++;
      console.log(`  ✘ ${title} (${Date.now() - t0} ms)\n    ${(e.stack || e.message).split('\n').join('\n    ')}`);
      await saveScreenshot(ui.page, `failure-ui-${safeName(name)}-${safeName(title)}`, { unique: true });
      console.log('[ui] ---- logs of the failed run ----');
      console.log(ui.logTails(60));
    }
  }
  await ui.close({ keepState: failed });
  return counts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = {};
  for (let i = 2; i < process.argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(process.argv[i]);
    if (!m) { console.error(`unexpected argument ${process.argv[i]}`); process.exit(2); }
    args[m[1]] = m[2] ?? process.argv[++i];
  }
  if (!args.scenario || !(args.vsix || args.extension)) {
    console.error('usage: ui.mjs --scenario <file.mjs> (--vsix <file> | --extension <dir>) [--workspace <fixture dir>]');
    process.exit(2);
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));   // 'exit' hooks stop code-server
  const t0 = Date.now();
  const scenario = (await import(pathToFileURL(path.resolve(args.scenario)).href)).default;
  console.log(`\n  ${scenario.name || 'ui'} (UI, installed .vsix)`);
  let counts;
  try {
    let vsix = args.vsix && path.resolve(args.vsix);
    let vsixDir;
    if (!vsix) {
      vsixDir = makeStateDir('sw-vsix-');
      vsix = packageExtension(path.resolve(args.extension), path.join(vsixDir, 'extension.vsix'));
    }
    try {
      counts = await runScenario(scenario, { vsix, workspaceFixture: args.workspace && path.resolve(args.workspace) });
    } finally {
      if (vsixDir) fs.rmSync(vsixDir, { recursive: true, force: true });
    }
  } catch (e) {
    console.error(`[ui] ${e.stack || e.message}`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  log('ui', `finished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`ui: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  process.exit(counts.failed ? 1 : 0);
}
