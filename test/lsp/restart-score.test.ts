import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Report } from '../../server/src/report/types';
import { TestClient } from './lsp-client';

/**
 * A restarted server's first score: the client asks for it as soon as the server runs, before it has sent
 * its open documents again (the e2e status test saw a first score without the unsaved edits). The request
 * names them; the server answers, and sends its first score, once they are open.
 */
describe('language server: the first score waits for the documents the client has open', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  const scores: { errors: number; findings: number }[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-restart-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "index.js"]\n');
    client = new TestClient();
    client.conn.onNotification('seaworthy/score', (n: { errors: number; findings: number }) => { scores.push(n); });
    await client.initializeWorkspace(dir);
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('counts an unsaved document the client sends a second after asking', async () => {
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    const asked = client.conn.sendRequest('seaworthy/report', { openDocuments: [uri] }) as Promise<{ report: Report }>;
    await new Promise((r) => setTimeout(r, 1000));
    await client.open(uri, 'dockerfile', 'FROM node:20.11-alpine\nENV DB_PASSWORD=hunter2-not-saved\nUSER node\nCMD ["node", "index.js"]\n');
    const { report } = await asked;
    const ruleIds = report.sections.flatMap((s) => s.findings.map((x) => x.ruleId));
    assert.ok(ruleIds.includes('hardcoded-secret'), `the report reads the unsaved text: ${ruleIds.join(', ')}`);
    const deadline = Date.now() + 10000;
    while (!scores.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(scores.length >= 1, 'a score was sent');
    assert.ok(scores[0].errors >= 1, `the first score counts the unsaved secret: ${JSON.stringify(scores[0])}`);
  });

  it('answers even when a listed document never opens (after waiting for it)', async () => {
    const never = pathToFileURL(path.join(dir, 'never-opened', 'Dockerfile')).toString();
    const started = Date.now();
    const { report } = await client.conn.sendRequest('seaworthy/report', { openDocuments: [never] }) as { report: Report };
    assert.ok(report.files.length >= 1);
    // A lower bound only (a timer never fires early): it did wait for the document.
    assert.ok(Date.now() - started >= 2900, 'waited for the missing document');
  });
});
