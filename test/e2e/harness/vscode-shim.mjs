// A stand-in for the VS Code desktop executable, for @vscode/test-electron's
// runTests({ vscodeExecutablePath }) (test/e2e/runTest.ts passes code-shim, which runs this on Node 24).
// Accepts the arguments test-electron passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// --user-data-dir=, --extensions-dir=, a folder; desktop-only flags such as --no-sandbox are ignored),
// starts code-server, runs the tests in its remote Node extension host through headless chromium,
// stops the server and exits with the tests' exit code. The environment test-electron sets
// (extensionTestsEnv) reaches the extension host because code-server inherits it.
import { parseArgs, runExtensionTests, summaryLine } from './run-ext-tests.mjs';

const a = parseArgs(process.argv.slice(2));
if (!a.devPaths.length || !a.testsPath) {
  console.error('[shim] need --extensionDevelopmentPath= and --extensionTestsPath=');
  process.exit(2);
}
if (process.env.VERBOSE === '1' && a.ignored.length) console.log(`[shim] ignoring desktop-only args: ${a.ignored.join(' ')}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));   // 'exit' hooks stop code-server
const res = await runExtensionTests(a);
// (not "e2e:": runTest.ts prints that line once, for all of its runs)
console.log(summaryLine(res, `[shim] ${a.name || 'run'}`));
process.exit(res.exitCode === 0 && res.failed === 0 ? 0 : 1);
