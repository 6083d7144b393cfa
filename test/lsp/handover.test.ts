import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Report } from '../../server/src/report/types';
import { codes, TestClient } from './lsp-client';

describe('language server: the workspace index takes over the editor\'s analyses', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  const scores: number[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-handover-'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM node:20.11-alpine\nCMD ["node", "index.js"]\n');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  api:\n    build: ./app\n');
    client = new TestClient();
    const root = pathToFileURL(dir).toString();
    client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: root, name: 'w' }]);
    client.conn.onNotification('seaworthy/score', (n: { score: number }) => { scores.push(n.score); });
    await client.conn.sendRequest('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'w' }], capabilities: { workspace: { configuration: true, workspaceFolders: true } } });
    await client.conn.sendNotification('initialized', {});
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  const waitScores = async (n: number) => {
    const deadline = Date.now() + 10000;
    while (scores.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(scores.length >= n, `${n} score notifications, got ${scores.length}`);
  };

  it('re-analyses only the dependents of an edited open document, and the report shows the edit', async () => {
    const indexAnalyses = async () => ((await client.conn.sendRequest('seaworthy/stats')) as { indexAnalyses: number }).indexAnalyses;
    const first = await client.conn.sendRequest('seaworthy/report', {}) as { analyses: number };
    assert.strictEqual(first.analyses, 2, 'the scan analysed both files');
    assert.strictEqual(await indexAnalyses(), 2);
    const uri = pathToFileURL(path.join(dir, 'app', 'Dockerfile')).toString();
    const seen = scores.length;
    await client.open(uri, 'dockerfile', fs.readFileSync(path.join(dir, 'app', 'Dockerfile'), 'utf8'));
    await client.waitFor(uri, (p) => p.version === 1);
    await waitScores(seen + 1);
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'ENV DB_PASSWORD=hunter2-hunter2\n' }]);
    const p = await client.waitFor(uri, (x) => x.version === 2);
    assert.ok(codes(p.diagnostics).includes('hardcoded-secret'));
    await waitScores(seen + 2);
    const again = await client.conn.sendRequest('seaworthy/report', {}) as { analyses: number; report: Report };
    assert.strictEqual(again.analyses, 0, 'the index was up to date');
    // Open and edit: compose.yaml (it builds the Dockerfile) again each time; the Dockerfile itself never, the editor did it.
    assert.strictEqual(await indexAnalyses(), 2 + 2);
    assert.ok(again.report.files.find((f) => f.file === 'app/Dockerfile')!.counts.error > 0, 'the report has the edit');
  });
});
