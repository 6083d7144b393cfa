/**
 * The CLI (`seaworthy report`, a process) and the language server (`seaworthy/report`, another process)
 * must give the same scores for the same files. Both run from the built bundles in dist/.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Report } from '../../server/src/report/types';
import { TestClient } from '../lsp/lsp-client';
import { fixturesDir, repoRoot, testCorpusDir } from './helpers';

const bin = path.join(repoRoot, 'bin', 'seaworthy.js');
const AWESOME = path.join(testCorpusDir, 'real', 'awesome-compose');

type Scores = { score: number; units: number; findings: number; sections: Record<string, number | null> };
const scoresOf = (r: Report): Scores => ({ score: r.score, units: r.units, findings: r.totals.findings, sections: Object.fromEntries(r.sections.map((s) => [s.id, s.score])) });

function cliReport(folder: string): { report: Report; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [bin, 'report', folder, '--format', 'json'], { encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024 });
  assert.strictEqual(r.status, 0, r.stderr);
  return { report: JSON.parse(r.stdout) as Report, ms: Date.now() - started };
}

async function serverReport(folder: string): Promise<{ report: Report; ms: number; progress: string[] }> {
  const client = new TestClient();
  const progress: string[] = [];
  try {
    client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: pathToFileURL(folder).toString(), name: path.basename(folder) }]);
    client.conn.onNotification('$/progress', (p: { value: { kind: string } }) => { progress.push(p.value.kind); });
    await client.conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).toString(), workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: 'w' }], capabilities: { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } } });
    await client.conn.sendNotification('initialized', {});
    const started = Date.now();
    const res = await client.conn.sendRequest('seaworthy/report', { workDoneToken: 'scan-1' }) as { report: Report };
    return { report: res.report, ms: Date.now() - started, progress };
  } finally { await client.shutdown(); }
}

describe('report parity: CLI and language server', function () {
  this.timeout(180000);

  for (const [name, folder] of [['examples', path.join(repoRoot, 'examples')], ['awesome-compose', AWESOME]] as const) {
    it(`gives identical scores on ${name}`, async () => {
      assert.ok(fs.existsSync(folder), `${folder} is missing`);
      const cli = cliReport(folder);
      const lsp = await serverReport(folder);
      assert.deepStrictEqual(scoresOf(lsp.report), scoresOf(cli.report));
      assert.deepStrictEqual(lsp.report.fixFirst.map((f) => f.fingerprint), cli.report.fixFirst.map((f) => f.fingerprint));
      assert.ok(lsp.report.totals.files > 0);
      assert.deepStrictEqual([lsp.progress[0], lsp.progress[lsp.progress.length - 1]], ['begin', 'end'], 'work-done progress begins and ends');
    });
  }

  it('check --format sarif prints schema-valid SARIF 2.1.0 with the same exit code as text', () => {
    const r = spawnSync(process.execPath, [bin, 'check', 'examples', '--format', 'sarif'], { cwd: repoRoot, encoding: 'utf8', timeout: 120000 });
    assert.strictEqual(r.status, 1, r.stderr);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(fixturesDir, 'sarif', 'sarif-2.1.0.schema.json'), 'utf8')));
    const log = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.ok(log.runs[0].results.length > 10);
    // Relative to the repository root (as GitHub code scanning resolves them), not to the scanned folder.
    assert.ok(log.runs[0].results.every((x) => x.locations[0].physicalLocation.artifactLocation.uri.startsWith('examples/shop/')));
  });

  it('answers other requests while it indexes, and re-analyses only a changed file afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-parity-'));
    for (let i = 0; i < 60; i++) {
      fs.mkdirSync(path.join(dir, `svc${i}`));
      fs.writeFileSync(path.join(dir, `svc${i}`, 'Dockerfile'), `FROM node:20.11-alpine\nENV N=${i}\nCMD ["node", "index.js"]\n`);
    }
    const client = new TestClient();
    try {
      const folder = pathToFileURL(dir).toString();
      client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: folder, name: 'w' }]);
      const scores: number[] = [];
      client.conn.onNotification('seaworthy/score', (n: { score: number }) => { scores.push(n.score); });
      await client.conn.sendRequest('initialize', { processId: process.pid, rootUri: folder, capabilities: { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } } });
      await client.conn.sendNotification('initialized', {});
      const report = client.conn.sendRequest('seaworthy/report', {}) as Promise<{ analyses: number }>;
      const stats = await client.conn.sendRequest('seaworthy/stats');
      assert.ok(stats, 'stats answered during the scan');
      assert.strictEqual((await report).analyses, 60);
      fs.writeFileSync(path.join(dir, 'svc0', 'Dockerfile'), 'FROM node:latest\nENV DB_PASSWORD=hunter2-hunter2\n');
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'svc0', 'Dockerfile')).toString(), type: 2 }] });
      const deadline = Date.now() + 10000;
      while (scores.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(scores.length >= 2, `a score notification after the change: ${scores}`);
      const again = await client.conn.sendRequest('seaworthy/report', {}) as { analyses: number; report: Report };
      assert.strictEqual(again.analyses, 0, 'the watcher event already re-analysed the one file');
      assert.ok(again.report.totals.error > 0 && again.report.files.find((f) => f.file === 'svc0/Dockerfile')!.counts.error > 0);
    } finally { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
