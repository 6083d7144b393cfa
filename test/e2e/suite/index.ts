// Entry point loaded by the extension host (extensionTestsPath), same contract as @vscode/test-electron:
// run() resolves when every test passed and rejects otherwise.
//
// Runs every *.test.js next to this file (or under SEAWORTHY_E2E_SUITE_DIR) with mocha's tdd UI.
// Under the code-server harness (test/e2e/harness) the extension host's console is only visible through
// the browser, so with SEAWORTHY_E2E_TAG_OUTPUT=1 every reporter line is tagged "[ext-test] " and the
// harness prints exactly those lines. With SEAWORTHY_E2E_RESULTS_FILE set, counts and per-test results
// are also written there as JSON (the harness reads its final "e2e: N passed, N failed" line from it).
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';

type MochaCtor = typeof import('mocha');

function loadMocha(): MochaCtor {
  // mocha 12 is an ES module: depending on the Node version require() returns the class or a namespace.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('mocha');
  return (m.default ?? m) as MochaCtor;
}

function findTests(dir: string): string[] {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.js')).sort();
  // tsc never deletes outputs: a test whose .ts source is gone (renamed, deleted) must not run.
  const sources = path.resolve(__dirname, '../../../../test/e2e/suite');   // out/test/e2e/suite -> test/e2e/suite
  const sourceOf = (f: string) => path.join(sources, path.relative(__dirname, path.join(dir, f)).replace(/\.js$/, '.ts'));
  const kept = fs.existsSync(sources) ? files.filter((f) => fs.existsSync(sourceOf(f))) : files;
  for (const f of files.filter((x) => !kept.includes(x))) console.log(`[ext-test] (ignoring stale ${f}: no ${sourceOf(f)})`);
  return kept.map((f) => path.join(dir, f));
}

export async function run(): Promise<void> {
  const Mocha = loadMocha();
  if (process.env.SEAWORTHY_E2E_TAG_OUTPUT === '1') {
    // console.* is not writable in VS Code's extension host, so tag mocha's reporter output instead.
    Mocha.reporters.Base.consoleLog = (...a: unknown[]) => console.log('[ext-test] ' + util.format(...a));
  }
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.SEAWORTHY_E2E_TEST_TIMEOUT_MS || 60000),
    grep: process.env.SEAWORTHY_E2E_GREP || undefined,
  });
  const dir = path.resolve(process.env.SEAWORTHY_E2E_SUITE_DIR || __dirname);
  const files = findTests(dir);
  if (!files.length) throw new Error(`no *.test.js files under ${dir}`);
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();

  const resultsFile = process.env.SEAWORTHY_E2E_RESULTS_FILE;
  const results = {
    node: process.version, pid: process.pid, startedAt: new Date().toISOString(), finishedAt: '',
    passed: 0, failed: 0, skipped: 0,
    tests: [] as Array<{ title: string; state: string; ms?: number; error?: string }>,
  };
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.finishedAt = new Date().toISOString();
      if (resultsFile) {
        fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
        fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
      }
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => { results.passed++; results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }); });
    runner.on('fail', (t, err) => {
      results.failed++;
      results.tests.push({ title: t.fullTitle(), state: 'failed', error: String((err && (err as Error).stack) || err) });
    });
    runner.on('pending', (t) => { results.skipped++; results.tests.push({ title: t.fullTitle(), state: 'skipped' }); });
  });
}
