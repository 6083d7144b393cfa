// Standard @vscode/test-electron launcher for Seaworthy's extension-host e2e suite.
//
//   node out/test/e2e/runTest.js            real VS Code server (code-server) via test/e2e/harness/code-shim
//   SEAWORTHY_VSCODE=desktop node ...       lets test-electron download desktop VS Code (needs internet + a display)
//
// Run it with Node >= 22 (@vscode/test-electron 3 requires it; scripts/e2e/run.sh uses the Node 24 that
// scripts/e2e/install.sh put into the tools folder). Every run opens a fresh copy of test/e2e/fixture.
// Overrides (used to prove the harness on another extension): SEAWORTHY_E2E_EXTENSION_PATH,
// SEAWORTHY_E2E_TESTS_PATH, SEAWORTHY_E2E_FIXTURE; SEAWORTHY_E2E_KEEP_STATE=1 keeps the temp folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../../..');   // out/test/e2e -> repo root

async function main(): Promise<number> {
  const desktop = process.env.SEAWORTHY_VSCODE === 'desktop';
  const extensionDevelopmentPath = path.resolve(process.env.SEAWORTHY_E2E_EXTENSION_PATH || repoRoot);
  const extensionTestsPath = path.resolve(process.env.SEAWORTHY_E2E_TESTS_PATH || path.join(__dirname, 'suite', 'index'));
  const fixture = path.resolve(process.env.SEAWORTHY_E2E_FIXTURE || path.join(repoRoot, 'test', 'e2e', 'fixture'));
  const codeShim = path.join(repoRoot, 'test', 'e2e', 'harness', 'code-shim');

  // Short temp paths: VS Code puts unix sockets under these folders (limit ~107 characters).
  const runDir = fs.mkdtempSync(path.join(os.tmpdir().length > 40 ? '/tmp' : os.tmpdir(), 'sw-run-'));
  const workspace = path.join(runDir, 'ws');
  fs.cpSync(fixture, workspace, { recursive: true });
  console.log(`[runTest] ${desktop ? 'desktop VS Code (download)' : 'code-server via code-shim'}; `
    + `extension ${extensionDevelopmentPath}; workspace copy ${workspace}`);
  let code = 0;
  try {
    await runTests({
      vscodeExecutablePath: desktop ? undefined : codeShim,
      version: desktop ? process.env.SEAWORTHY_VSCODE_VERSION || undefined : undefined,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${path.join(runDir, 'ud')}`,
        `--extensions-dir=${path.join(runDir, 'exts')}`],
      extensionTestsEnv: { SEAWORTHY_E2E_WORKSPACE: workspace },
    });
  } catch (e) {
    console.error(`[runTest] tests failed: ${(e as Error).message}`);
    code = 1;
  }
  if (process.env.SEAWORTHY_E2E_KEEP_STATE === '1' || code !== 0) console.log(`[runTest] run folder kept: ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
  return code;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
