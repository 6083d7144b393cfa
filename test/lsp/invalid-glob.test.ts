import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { codes, TestClient } from './lsp-client';

/** Issue #20: `ignore: ["{a,b"]` in .seaworthy.yaml made the server exit as soon as a file opened. */
describe('language server: an invalid glob in .seaworthy.yaml', function () {
  this.timeout(30000);
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-glob-')));
    fs.mkdirSync(path.join(dir, '.git'));
    for (const sub of ['a', 'b']) fs.mkdirSync(path.join(dir, sub));
    client = new TestClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

  it('keeps running, analyses the file and shows the mistake on the (unopened) config file', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'ignore:\n  - "{a,b"\n  - "[z-a]"\n  - b/**\n');
    await client.open(uri('a/Dockerfile'), 'dockerfile', 'FROM node:latest\n');
    const d = await client.waitFor(uri('a/Dockerfile'), () => true);
    assert.ok(codes(d.diagnostics).includes('unpinned-image'), 'a/ is not ignored: the invalid pattern is left out');
    const config = await client.waitFor(uri('.seaworthy.yaml'), (p) => p.diagnostics.length > 0);
    assert.deepStrictEqual(config.diagnostics.map((x) => [x.range.start.line, x.range.start.character, x.code]), [[1, 4, 'config'], [2, 4, 'config']]);
    assert.match(String(config.diagnostics[0].message), /"\{a,b" is not a valid glob: "\{" at character 1 is never closed by "\}"/);
    assert.match(String(config.diagnostics[1].message), /"\[z-a\]" is not a valid glob: "z-a" in "\[z-a\]" is not a range/);
    await client.open(uri('b/Dockerfile'), 'dockerfile', 'FROM node:latest\n');
    const ignored = await client.waitFor(uri('b/Dockerfile'), () => true);
    assert.deepStrictEqual(ignored.diagnostics, [], 'the valid pattern b/** still applies');
    assert.strictEqual(client.proc.exitCode, null, client.stderr);
  });

  it('clears the config diagnostics once the file is fixed on disk', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'ignore: [b/**]\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('.seaworthy.yaml'), type: 2 }] });
    await client.waitFor(uri('.seaworthy.yaml'), (p) => p.diagnostics.length === 0);
    assert.strictEqual(client.proc.exitCode, null, client.stderr);
  });

  it('survives the invalid glob in an open config document as it is typed', async () => {
    await client.open(uri('.seaworthy.yaml'), 'yaml', 'ignore: ["[z-a]"]\n');
    const p = await client.waitFor(uri('.seaworthy.yaml'), (x) => x.version === 1);
    assert.strictEqual(p.diagnostics.length, 1);
    await client.change(uri('a/Dockerfile'), 2, [{ text: 'FROM node:20.11-alpine\n' }]);
    const d = await client.waitFor(uri('a/Dockerfile'), (x) => x.version === 2);
    assert.ok(!codes(d.diagnostics).includes('unpinned-image'));
    assert.strictEqual(client.proc.exitCode, null, client.stderr);
  });
});
