import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { codes, TestClient } from './lsp-client';

const DOCKERFILE = 'FROM node:latest\nENV DB_PASSWORD=hunter2\nUSER node\nCMD ["node", "server.js"]\n';

describe('language server: .seaworthy.yaml', function () {
  this.timeout(30000);
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-config-')));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'legacy'));
    client = new TestClient({ rules: { 'hardcoded-secret': 'warning' } });
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

  it('applies the project config, with VS Code settings overriding it', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'rules:\n  unpinned-image: off\n  hardcoded-secret: off\n');
    await client.open(uri('Dockerfile'), 'dockerfile', DOCKERFILE);
    // The first publish may come before the client's settings arrive: wait for the one with them.
    const p = await client.waitFor(uri('Dockerfile'), (x) => codes(x.diagnostics).includes('hardcoded-secret'));
    assert.ok(!codes(p.diagnostics).includes('unpinned-image'), codes(p.diagnostics).join());
    const secret = p.diagnostics.find((d) => d.code === 'hardcoded-secret');
    assert.strictEqual(secret?.severity, 2, 'the setting (warning) wins over the file (off)');
  });

  it('reloads when the config file changes on disk', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'rules:\n  hardcoded-secret: off\n');
    const n = client.published(uri('Dockerfile')).length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('.seaworthy.yaml'), type: 2 }] });
    const p = await client.waitFor(uri('Dockerfile'), (x) => client.published(uri('Dockerfile')).indexOf(x) >= n);
    assert.ok(codes(p.diagnostics).includes('unpinned-image'), codes(p.diagnostics).join());
  });

  it('shows errors in the config file as diagnostics on it, and reloads as it is edited', async () => {
    await client.open(uri('.seaworthy.yaml'), 'yaml', 'rules:\n  hardcoded-secret: off\n');
    await client.waitFor(uri('.seaworthy.yaml'), (x) => x.version === 1 && x.diagnostics.length === 0);
    const n = client.published(uri('Dockerfile')).length;
    await client.change(uri('.seaworthy.yaml'), 2, [{ text: 'rules:\n  unpinned-image: off\n  hardcoded-secrets: off\nignored: []\n' }]);
    const p = await client.waitFor(uri('.seaworthy.yaml'), (x) => x.version === 2);
    assert.deepStrictEqual(p.diagnostics.map((d) => [d.range.start.line, d.code, d.severity]), [[2, 'config', 1], [3, 'config', 1]]);
    assert.match(String(p.diagnostics[0].message), /Unknown rule id "hardcoded-secrets" \(did you mean "hardcoded-secret"\?\)/);
    const d = await client.waitFor(uri('Dockerfile'), (x) => client.published(uri('Dockerfile')).indexOf(x) >= n);
    assert.ok(!codes(d.diagnostics).includes('unpinned-image'), 'the unsaved config applies at once');
  });

  it('publishes nothing for ignored files', async () => {
    await client.change(uri('.seaworthy.yaml'), 3, [{ text: 'ignore: [legacy/]\n' }]);
    await client.open(uri('legacy/Dockerfile'), 'dockerfile', DOCKERFILE);
    const p = await client.waitFor(uri('legacy/Dockerfile'), () => true);
    assert.deepStrictEqual(p.diagnostics, []);
  });
});
