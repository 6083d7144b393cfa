// Run a mocha suite INSIDE the remote (Node) extension host of a real VS Code (code-server), driven by
// headless chromium. Same contract as @vscode/test-electron's extensionTestsPath: a module exporting
// run(): Promise<void> that rejects on failure.
//
// Prints the suite's mocha output (lines the suite tags with "[ext-test] ") and ends with exactly
//   e2e: N passed, N failed
// Exit code 0 only if the tests passed. On failure: screenshot to test-results/e2e/failure-*.png and the
// tails of the extension-host log and code-server log.
//
// CLI:  node run-ext-tests.mjs --extensionDevelopmentPath=<dir> [--extensionDevelopmentPath=<dir2>]
//                              --extensionTestsPath=<module> [--folder=<workspace dir>] [--name=<label>]
//       (or env EXT_DEV_PATH (':'-separated), EXT_TESTS_PATH, WORKSPACE_FOLDER)
// Env:  TEST_TIMEOUT_MS (default 300000), SEAWORTHY_E2E_KEEP_STATE=1, VERBOSE=1 (workbench console too)
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { fileURLToPath } from 'node:url';
import { launchBrowser, saveScreenshot } from './browser.mjs';
import { startCodeServer } from './code-server.mjs';
import { KEEP_STATE, VERBOSE, log, makeStateDir } from './env.mjs';

export const TEST_TAG = '[ext-test] ';

/**
 * @param {object} o
 * @param {string[]} o.devPaths        extension folders (extensionDevelopmentPath)
 * @param {string} o.testsPath         extensionTestsPath module
 * @param {string} [o.folder]          workspace folder to open (default: an empty folder)
 * @param {object} [o.env]             extra env for code-server and thus the extension host (test-electron's extensionTestsEnv)
 * @param {string} [o.userDataDir]     / extensionsDir: passed through from test-electron's profile arguments
 * @param {string} [o.name]            label for screenshots
 * @returns {Promise<{ exitCode: number, passed: number, failed: number, skipped: number }>}
 */
export async function runExtensionTests(o) {
  const t0 = Date.now();
  const timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 300000);
  const stateDir = makeStateDir();
  let folder = o.folder;
  if (!folder) { folder = path.join(stateDir, 'empty-workspace'); fs.mkdirSync(folder); }
  // The launcher (runTest.ts) may name the results file through the environment (test-electron's
  // extensionTestsEnv); the suite writes it in the extension host, the runner reads its counts.
  const resultsFile = process.env.SEAWORTHY_E2E_RESULTS_FILE || path.join(stateDir, 'results.json');
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 1;
  let server; let browser;
  try {
    server = await startCodeServer({
      stateDir, userDataDir: o.userDataDir, extensionsDir: o.extensionsDir,
      env: { SEAWORTHY_E2E_RESULTS_FILE: resultsFile, SEAWORTHY_E2E_TAG_OUTPUT: '1', ...(o.env || {}) },
    });
    // The workbench builds vscode-remote://<authority>/... URIs; code-server replaces the advertised
    // remoteAuthority with location.host, so it must be exactly the host:port the page is opened on.
    const authority = new URL(server.url).host;
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const payload = [...o.devPaths.map((p) => ['extensionDevelopmentPath', remote(path.resolve(p))]),
      ['extensionTestsPath', remote(path.resolve(o.testsPath))]];
    // --disable-extensions (test-electron launchArgs): like desktop, disables installed (non built-in) extensions.
    if (o.disableExtensions) payload.push(['disableExtensions', 'true']);
    const url = `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log('runner', `workspace ${folder}; tests ${o.testsPath}`);

    browser = await launchBrowser(stateDir, { env: server.env });
    const { page } = browser;
    const pending = new Set();
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    // The smoke-test driver calls window.codeAutomationExit(code) when run() settles.
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('crash', () => finish('page crashed'));
    let firstOutput = true;
    page.on('console', (msg) => {
      // Extension-host console output is forwarded to the page console as
      // console.log('%c[Extension Host] ...', 'color: ...', fmt, ...args); re-format it like Node would.
      const p = (async () => {
        let args;
        try { args = await Promise.all(msg.args().map((a) => a.jsonValue())); } catch { args = [msg.text()]; }
        if (typeof args[0] === 'string' && args[0].startsWith('%c')) args = args.slice(2);
        const text = util.format(...args);
        if (text.includes(TEST_TAG)) {
          if (firstOutput) { firstOutput = false; log('runner', 'extension host started the tests'); }
          const out = text.split(TEST_TAG).join('');
          console.log(out);
          let m;
          if ((m = /^\s*(\d+) passing/m.exec(out))) counts.passed = Number(m[1]);
          if ((m = /^\s*(\d+) failing/m.exec(out))) counts.failed = Number(m[1]);
          if ((m = /^\s*(\d+) pending/m.exec(out))) counts.skipped = Number(m[1]);
        } else if (VERBOSE) console.log(`[page ${msg.type()}] ${text}`);
      })();
      pending.add(p); p.finally(() => pending.delete(p));
    });
    page.on('pageerror', (e) => { if (VERBOSE) console.log(`[pageerror] ${e.message}`); });
    log('runner', 'chromium started; opening the workbench');
    await page.goto(url);
    log('runner', 'workbench page loaded; waiting for the extension host to run the tests');
    let timer;
    const r = await Promise.race([done, new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); })]);
    clearTimeout(timer);
    log('runner', `tests finished (${r})`);
    if (typeof r === 'number' && !Number.isNaN(r)) exitCode = r;
    else { console.error(`[runner] ${r === 'timeout' ? `TIMEOUT after ${timeoutMs} ms` : r}`); exitCode = r === 'timeout' ? 124 : 1; }
    await Promise.allSettled([...pending]);   // drain console handlers before reading counts
    // Counts written by the suite itself (test/e2e/suite/index.ts) are more reliable than the parsed summary.
    try {
      const res = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      if (typeof res.passed === 'number') Object.assign(counts, { passed: res.passed, failed: res.failed, skipped: res.skipped || 0 });
    } catch { /* a suite that does not write the file: keep parsed counts */ }
    if (exitCode !== 0) {
      await saveScreenshot(page, `failure-${o.name || 'ext-tests'}`, { unique: true });
    } else if (process.env.SEAWORTHY_E2E_SHOT_ON_PASS === '1') {
      await saveScreenshot(page, `${o.name || 'ext-tests'}-end`);
    }
  } catch (e) {
    console.error(`[runner] ERROR: ${e.stack || e.message}`);
    exitCode = exitCode || 1;
    if (browser) await saveScreenshot(browser.page, `failure-${o.name || 'ext-tests'}`, { unique: true });
  } finally {
    if (browser) await browser.close();
    if (server && exitCode !== 0) {
      console.log('[runner] ---- logs of the failed run ----');
      console.log(server.logTails(60));
    }
    if (server) await server.stop();
  }
  if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;   // crash/timeout before mocha's summary
  if (exitCode !== 0 || KEEP_STATE) log('runner', `state kept in ${stateDir}`);
  else fs.rmSync(stateDir, { recursive: true, force: true });
  log('runner', `extension tests exit code ${exitCode} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { exitCode, ...counts };
}

export function summaryLine({ passed, failed, skipped }, tag = 'e2e') {
  return `${tag}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/** Parse `--key=value` / `--key value` / positional (folder) arguments. */
export function parseArgs(argv) {
  const out = { devPaths: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) { out.folder = path.resolve(a); continue; }
    const [, k] = m;
    const needsValue = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'folder', 'name'];
    let v = m[2];
    if (v === undefined && needsValue.includes(k) && i + 1 < argv.length) v = argv[++i];
    if (k === 'extensionDevelopmentPath') out.devPaths.push(path.resolve(v));
    else if (k === 'extensionTestsPath') out.testsPath = path.resolve(v);
    else if (k === 'user-data-dir') out.userDataDir = path.resolve(v);
    else if (k === 'extensions-dir') out.extensionsDir = path.resolve(v);
    else if (k === 'folder') out.folder = path.resolve(v);
    else if (k === 'name') out.name = v;
    else if (k === 'disable-extensions') out.disableExtensions = true;
    else out.ignored.push(a);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const a = parseArgs(process.argv.slice(2));
  if (!a.devPaths.length && process.env.EXT_DEV_PATH) a.devPaths = process.env.EXT_DEV_PATH.split(path.delimiter).filter(Boolean);
  a.testsPath ||= process.env.EXT_TESTS_PATH;
  a.folder ||= process.env.WORKSPACE_FOLDER;
  if (!a.devPaths.length || !a.testsPath) {
    console.error('usage: run-ext-tests.mjs --extensionDevelopmentPath=<dir> --extensionTestsPath=<module> [--folder=<dir>]');
    process.exit(2);
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));   // 'exit' hooks stop code-server
  const res = await runExtensionTests(a);
  console.log(summaryLine(res));
  process.exit(res.exitCode === 0 && res.failed === 0 ? 0 : 1);
}
