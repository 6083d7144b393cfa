import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TestClient } from './lsp-client';

describe('language server: editing .dockerignore re-judges the open Dockerfile\'s COPY . (unsaved text)', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();
  const shipped = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'context-files-in-image');
  /** The Dockerfile's next publication (after those already received) that matches. */
  const nextDockerfile = (pred: (p: PublishDiagnosticsParams) => boolean) => {
    const since = client.published(uri('Dockerfile')).length;
    return client.waitFor(uri('Dockerfile'), (p) => client.published(uri('Dockerfile')).indexOf(p) >= since && pred(p));
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-context-lsp-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n');
    fs.writeFileSync(path.join(dir, '.env'), 'A=1\n');
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n');
    client = new TestClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('adding .env to the open .dockerignore removes the finding; taking it out brings it back', async () => {
    await client.open(uri('Dockerfile'), 'dockerfile', fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
    const first = await client.waitFor(uri('Dockerfile'), (p) => p.version === 1);
    assert.strictEqual(shipped(first).length, 1, JSON.stringify(first.diagnostics.map((d) => d.code)));
    assert.strictEqual(shipped(first)[0].range.start.line, 2);
    await client.open(uri('.dockerignore'), 'ignore', 'node_modules\n');
    const own = await client.waitFor(uri('.dockerignore'), (p) => p.version === 1);
    assert.deepStrictEqual(own.diagnostics, [], 'the ignore file itself gets no diagnostics');
    const removed = nextDockerfile((p) => shipped(p).length === 0);
    await client.change(uri('.dockerignore'), 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '.env\n' }]);
    await removed;
    const back = nextDockerfile((p) => shipped(p).length === 1);
    await client.change(uri('.dockerignore'), 3, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
    await back;
  });
});
