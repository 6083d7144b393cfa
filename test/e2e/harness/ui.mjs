// UI driver: uses the real VS Code workbench (code-server) as a person would, in headless chromium,
// with the extension INSTALLED from a .vsix (no development payload).
//
// CLI:  node ui.mjs --scenario <file.mjs> (--vsix <file.vsix> | --extension <dir to package>)
//                   [--workspace <fixture dir, copied fresh>] [--name <label>]
// A scenario module default-exports { name, steps: [[title, async (ui) => { ... }], ...] }; each step
// gets the driver object below (ui.openFile(...), ui.readProblems(), ...). Steps run in order; the
// first failing step saves test-results/e2e/failure-ui-<scenario>-<step>.png, prints the extension host
// and code-server log tails, and the remaining steps are not run (each step builds on the previous one).
// Last line printed: "ui: N passed, N failed[, N not run]"; exit code 1 on any failure.
// --extension <dir> packages <dir> with its own scripts/package.mjs (see packageExtension).
// Env: UI_STEP_TIMEOUT_MS (default 60000 per wait), SEAWORTHY_E2E_KEEP_STATE=1, VERBOSE=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, saveScreenshot } from './browser.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { KEEP_STATE, VERBOSE, freshWorkspace, log, makeStateDir, safeName } from './env.mjs';

const STEP_TIMEOUT = Number(process.env.UI_STEP_TIMEOUT_MS || 60000);

// ------------------------------------------------------------------------------------------------
// Packaging + session
// ------------------------------------------------------------------------------------------------

/**
 * Package the extension with ITS OWN packaging script, so the UI tests install exactly what users get:
 * `node <extensionDir>/scripts/package.mjs --out <file>` (Seaworthy's script stages the shipped files and
 * runs the project's vsce). Runs on the `node` found on PATH (the project's Node, not the tools' Node 24);
 * SEAWORTHY_E2E_PACKAGE_NODE overrides it. Nothing is rebuilt: dist/ must exist (npm run build).
 */
export function packageExtension(extensionDir, outFile) {
  const script = path.join(extensionDir, 'scripts', 'package.mjs');
  if (!fs.existsSync(script)) throw new Error(`${script} not found: build the .vsix yourself and pass --vsix`);
  const t0 = Date.now();
  const node = process.env.SEAWORTHY_E2E_PACKAGE_NODE || 'node';
  const r = spawnSync(node, [script, '--out', outFile], { cwd: extensionDir, encoding: 'utf8', timeout: 300000, input: '' });
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`${node} ${script} --out ${outFile} failed (${r.status ?? r.signal ?? r.error?.message}):\n${r.stdout}\n${r.stderr}`);
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

// ------------------------------------------------------------------------------------------------
// The driver: one clearly named function per thing a person does
// ------------------------------------------------------------------------------------------------
function makeDriver({ page, server, browser, folder, stateDir }) {
  const quickInput = page.locator('.quick-input-widget');
  const ui = {
    page, server, folder, stateDir, assert,

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

    /** Close the panel area (Problems, Output, ...) if it is open. */
    async hidePanel() {
      if (await page.locator('.part.panel').isVisible().catch(() => false)) {
        await page.locator('.monaco-editor .view-lines').first().click();
        await page.keyboard.press('Control+J');   // View: Toggle Panel Visibility
        await page.locator('.part.panel').waitFor({ state: 'hidden' });
      }
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

    /**
     * Ctrl+. at the cursor (or at line:column) until the code action menu is open; returns the row
     * locator and the titles. (Right after Ctrl+G the editor may not have its focus back yet, and
     * the key press is then lost: it is pressed again.)
     */
    async openQuickFixMenu({ line, column } = {}) {
      if (line) await ui.gotoLine(line, column);
      const rows = page.locator('.action-widget .monaco-list-row.action');   // not the group headers
      for (let attempt = 1; ; attempt++) {
        await page.locator('.monaco-editor.focused').first().waitFor({ timeout: 5000 }).catch(() => {});
        await page.keyboard.press('Control+.');
        try { await rows.first().waitFor({ timeout: attempt < 3 ? 5000 : STEP_TIMEOUT }); break; } catch (e) { if (attempt >= 3) throw e; }
      }
      const titles = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return { rows, titles };
    },

    /** Ctrl+. at the cursor (or at line:column): titles of the offered code actions (the menu is closed again). */
    async listQuickFixes(at = {}) {
      const { titles } = await ui.openQuickFixMenu(at);
      await page.keyboard.press('Escape');
      await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' }).catch(() => {});
      return titles;
    },

    /** Ctrl+. at the cursor (or at line:column) and pick the code action whose title contains `title`; returns all titles offered. */
    async applyQuickFix(title, at = {}) {
      const { rows, titles } = await ui.openQuickFixMenu(at);
      const i = titles.findIndex((t) => t.includes(title));
      if (i < 0) {
        await page.keyboard.press('Escape');
        throw new Error(`no quick fix "${title}" offered; offered: ${JSON.stringify(titles)}`);
      }
      await rows.nth(i).click();
      await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' }).catch(() => {});
      log('ui', `applied quick fix "${title}"`);
      return titles;
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

    /** The webview content frame that has `selector` (e.g. the report's filter), or undefined. */
    async webviewFrameWith(selector) {
      for (const f of page.frames()) {
        if (!/\/webview\/browser\/pre\/fake\.html/.test(f.url())) continue;
        try { if (await f.locator(selector).count()) return f; } catch { /* detached */ }
      }
      return undefined;
    },

    /** Picks `value` in a <select> of a webview, as a person would (a change event follows). */
    async selectInWebview(selector, value, timeout = STEP_TIMEOUT) {
      const end = Date.now() + timeout;
      for (;;) {
        const f = await ui.webviewFrameWith(selector);
        if (f) { await f.selectOption(selector, value); return; }
        if (Date.now() > end) throw new Error(`no webview has ${selector} after ${timeout} ms`);
        await page.waitForTimeout(250);
      }
    },

    /** The value of a form field in a webview, once the webview has it (undefined after the timeout). */
    async webviewValue(selector, timeout = STEP_TIMEOUT) {
      const end = Date.now() + timeout;
      for (;;) {
        const f = await ui.webviewFrameWith(selector);
        if (f) { try { return await f.locator(selector).first().inputValue(); } catch { /* reloading */ } }
        if (Date.now() > end) return undefined;
        await page.waitForTimeout(250);
      }
    },

    /** Clicks the editor tab whose title contains `text`. */
    async clickTab(text) {
      await page.locator('.tabs-container .tab', { hasText: text }).first().click();
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

    /** Ctrl+K Ctrl+I at line:column: the editor hover (diagnostic messages, links); returns its text. */
    async showHover({ line, column }) {
      await ui.gotoLine(line, column);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
      await hover.waitFor();
      return (await hover.innerText()).replace(/\s+/g, ' ').trim();
    },

    /**
     * Wait until the status bar item whose element id is `id` (an extension's item: "<publisher.name>.<item id>")
     * shows text matching `match`; returns { text, label } (innerText and aria-label).
     */
    async waitForStatusBarItem(id, match = /\S/, timeout = STEP_TIMEOUT) {
      const item = page.locator(`.statusbar-item[id="${id}"]`);
      const end = Date.now() + timeout;
      let last = { text: '', label: '' };
      for (;;) {
        if (await item.count()) {
          last = { text: (await item.first().innerText()).replace(/\s+/g, ' ').trim(), label: (await item.first().locator('a, .statusbar-item-label').first().getAttribute('aria-label').catch(() => null)) || (await item.first().getAttribute('aria-label')) || '' };
          if (typeof match === 'string' ? last.text.includes(match) : match.test(last.text)) return last;
        }
        if (Date.now() > end) {
          const ids = await page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => e.id).filter(Boolean));
          throw new Error(`status bar item ${id} does not show ${match} after ${timeout} ms (last ${JSON.stringify(last)}; items: ${JSON.stringify(ids)})`);
        }
        await page.waitForTimeout(250);
      }
    },

    /**
     * Clicks the language status indicator (the "{}" beside the language mode) and returns the text of its
     * hover once it matches: the language status items of the active editor (createLanguageStatusItem).
     */
    async readLanguageStatus(match = /\S/, timeout = STEP_TIMEOUT) {
      const indicator = page.locator('.statusbar-item[id="status.languageStatus"]');
      const end = Date.now() + timeout;
      let last = '';
      for (;;) {
        if (await indicator.count()) {
          await indicator.first().click();
          await page.waitForTimeout(400);
          const items = page.locator('.hover-language-status');
          last = (await items.count()) ? (await items.allInnerTexts()).join(' | ').replace(/\s+/g, ' ').trim() : '';
          if (typeof match === 'string' ? last.includes(match) : match.test(last)) return last;
          await page.keyboard.press('Escape');
        }
        if (Date.now() > end) throw new Error(`the language status hover does not show ${match} after ${timeout} ms (last ${JSON.stringify(last)})`);
        await page.waitForTimeout(500);
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
  const counts = { passed: 0, failed: 0, notRun: 0 };
  let ui;
  try {
    ui = await startUiSession(sessionOpts);
  } catch (e) {
    console.error(`[ui] could not start the session: ${e.stack || e.message}`);
    return { passed: 0, failed: 1, notRun: scenario.steps.length };
  }
  let failed = false;
  for (const [title, fn] of scenario.steps) {
    if (failed) { counts.notRun++; console.log(`  - ${title} (not run: an earlier step failed)`); continue; }
    const t0 = Date.now();
    try {
      await fn(ui);
      counts.passed++;
      console.log(`  ✔ ${title} (${Date.now() - t0} ms)`);
    } catch (e) {
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
    counts = { passed: 0, failed: 1, notRun: 0 };
  }
  log('ui', `finished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`ui: ${counts.passed} passed, ${counts.failed} failed${counts.notRun ? `, ${counts.notRun} not run` : ''}`);
  process.exit(counts.failed ? 1 : 0);
}
