// Standard @vscode/test-electron launcher for Seaworthy's extension-host e2e tests.
//
//   node out/test/e2e/runTest.js            real VS Code server (code-server) via test/e2e/harness/code-shim
//   SEAWORTHY_VSCODE=desktop node ...       test-electron downloads desktop VS Code (needs internet + a display)
//
// One runTests() call per RUN below: each opens a fresh copy of a test/e2e/workspaces/<name> folder in a
// new VS Code window with a fresh profile, and runs the suite out/test/e2e/suite/<suite>. Activation
// needs its own windows (an extension never deactivates), the feature tests share the "main" one.
// Ends with "e2e: N passed, N failed" (all runs); exit code 0 only if every run passed.
//
// Runs on the project's Node (>= 20; @vscode/test-electron is pinned to 2.x, which supports it: 3.x needs
// Node >= 22); scripts/e2e/run.sh uses the Node 24 from the tools folder. Env: SEAWORTHY_E2E_RUNS=main,compose (a subset), SEAWORTHY_E2E_GREP (mocha grep),
// SEAWORTHY_E2E_KEEP_STATE=1 (keep the temp folders). To prove the harness on another extension:
// SEAWORTHY_E2E_EXTENSION_PATH, SEAWORTHY_E2E_TESTS_PATH, SEAWORTHY_E2E_FIXTURE (one run with those).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../../..');   // out/test/e2e -> repo root

interface Run { name: string; workspace: string; suite: string; env?: Record<string, string> }

export const RUNS: Run[] = [
  { name: 'main', workspace: 'main', suite: 'main' },
  { name: 'unrelated', workspace: 'unrelated', suite: 'activation', env: { SEAWORTHY_E2E_WORKSPACE_KIND: 'unrelated' } },
  { name: 'content', workspace: 'content', suite: 'activation', env: { SEAWORTHY_E2E_WORKSPACE_KIND: 'content' } },
  { name: 'compose', workspace: 'compose', suite: 'activation', env: { SEAWORTHY_E2E_WORKSPACE_KIND: 'compose' } },
  { name: 'kubernetes', workspace: 'kubernetes', suite: 'activation', env: { SEAWORTHY_E2E_WORKSPACE_KIND: 'kubernetes' } },
];

/** User settings of every test window (the harness adds its quiet defaults under code-server). */
const USER_SETTINGS = {
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

interface Result { name: string; passed: number; failed: number; skipped: number; seconds: number; note?: string }

function readResults(file: string): { passed: number; failed: number; skipped: number } | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof r.passed === 'number' ? { passed: r.passed, failed: r.failed, skipped: r.skipped || 0 } : undefined;
  } catch { return undefined; }
}

async function runOne(run: Run, o: { desktop: boolean; extensionDevelopmentPath: string; testsPath: string; fixture: string; codeShim: string }): Promise<Result> {
  const t0 = Date.now();
  // Short temp paths: VS Code puts unix sockets under these folders (limit ~107 characters).
  const runDir = fs.mkdtempSync(path.join(os.tmpdir().length > 40 ? '/tmp' : os.tmpdir(), `sw-run-${run.name}-`));
  const workspace = path.join(runDir, 'ws');
  fs.cpSync(o.fixture, workspace, { recursive: true });
  const resultsFile = path.join(runDir, 'results.json');
  // The same editor defaults in code-server and desktop VS Code (code-server auto-saves after a delay,
  // which would write the tests' edits to disk and defeat "revert").
  const userDataDir = path.join(runDir, 'ud');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  console.log(`\n[runTest] run '${run.name}': ${o.desktop ? 'desktop VS Code' : 'code-server via code-shim'}; `
    + `workspace copy of ${path.relative(repoRoot, o.fixture) || o.fixture}; suite ${path.relative(repoRoot, o.testsPath)}`);
  let note: string | undefined;
  try {
    await runTests({
      vscodeExecutablePath: o.desktop ? undefined : o.codeShim,
      version: o.desktop ? process.env.SEAWORTHY_VSCODE_VERSION || undefined : undefined,
      extensionDevelopmentPath: o.extensionDevelopmentPath,
      extensionTestsPath: o.testsPath,
      launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust',
        `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(runDir, 'exts')}`,
        ...(o.desktop ? [] : [`--name=${run.name}`])],   // the shim's label for screenshots
      extensionTestsEnv: {
        SEAWORTHY_E2E_WORKSPACE: workspace,
        SEAWORTHY_E2E_RESULTS_FILE: resultsFile,
        SEAWORTHY_E2E_SUITE_DIR: path.join(__dirname, 'suite', run.suite),
        ...(run.env ?? {}),
      },
    });
  } catch (e) {
    note = (e as Error).message;
  }
  const counts = readResults(resultsFile);
  const res: Result = { name: run.name, passed: counts?.passed ?? 0, failed: counts?.failed ?? 0, skipped: counts?.skipped ?? 0, seconds: (Date.now() - t0) / 1000, note };
  // A crash or timeout before mocha's summary, or a non-zero exit with no failed test, is a failure too.
  if (!counts || (note && res.failed === 0)) { res.failed++; res.note = note ?? 'the suite wrote no results'; }
  if (process.env.SEAWORTHY_E2E_KEEP_STATE === '1' || res.failed) console.log(`[runTest] run folder kept: ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
  return res;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const desktop = process.env.SEAWORTHY_VSCODE === 'desktop';
  const extensionDevelopmentPath = path.resolve(process.env.SEAWORTHY_E2E_EXTENSION_PATH || repoRoot);
  const codeShim = path.join(repoRoot, 'test', 'e2e', 'harness', 'code-shim');
  const workspaces = path.join(repoRoot, 'test', 'e2e', 'workspaces');
  const suiteIndex = path.join(__dirname, 'suite', 'index');

  let runs = RUNS;
  if (process.env.SEAWORTHY_E2E_FIXTURE || process.env.SEAWORTHY_E2E_TESTS_PATH) {
    runs = [{ name: 'custom', workspace: path.resolve(process.env.SEAWORTHY_E2E_FIXTURE || path.join(workspaces, 'main')), suite: 'main' }];
  } else if (process.env.SEAWORTHY_E2E_RUNS) {
    const wanted = process.env.SEAWORTHY_E2E_RUNS.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((w) => !RUNS.some((r) => r.name === w));
    if (unknown.length) { console.error(`[runTest] unknown run(s) ${unknown.join(', ')}; known: ${RUNS.map((r) => r.name).join(', ')}`); return 2; }
    runs = RUNS.filter((r) => wanted.includes(r.name));
  }

  const results: Result[] = [];
  for (const run of runs) {
    results.push(await runOne(run, {
      desktop, extensionDevelopmentPath, codeShim,
      testsPath: path.resolve(process.env.SEAWORTHY_E2E_TESTS_PATH || suiteIndex),
      fixture: path.isAbsolute(run.workspace) ? run.workspace : path.join(workspaces, run.workspace),
    }));
  }

  console.log('\n[runTest] extension-host runs:');
  for (const r of results) {
    console.log(`[runTest]   ${r.failed ? '✘' : '✔'} ${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`
      + ` (${r.seconds.toFixed(1)} s)${r.note ? `: ${r.note}` : ''}`);
  }
  const sum = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
  console.log(`[runTest] ${results.length} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}`);
  return sum('failed') || sum('skipped') ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
