import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { codes, TestClient } from './lsp-client';

/** A Deployment reading ConfigMap `ref`, in a file that itself defines ConfigMap `own`. */
const manifest = (own: string, ref: string) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${own}`, '---',
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${own}-app`, 'spec:', '  template:', '    spec:', '      containers:',
  `        - name: app`, '          image: nginx:1.27.0', '          envFrom:', '            - configMapRef:', `                name: ${ref}`, ''].join('\n');

describe('language server: Kubernetes references across files', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-refs-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), manifest('one', 'shared'));
    fs.writeFileSync(path.join(dir, 'shared.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
    fs.writeFileSync(path.join(dir, 'typo.yaml'), manifest('two', 'shraed'));
    client = new TestClient();
    const root = pathToFileURL(dir).toString();
    client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: root, name: 'w' }]);
    await client.conn.sendRequest('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'w' }], capabilities: { workspace: { configuration: true, workspaceFolders: true } } });
    await client.conn.sendNotification('initialized', {});
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).toString();

  it('without a workspace folder, checks a lone file against itself', async () => {
    const lone = new TestClient();
    try {
      await lone.initialize();
      const uri = pathToFileURL(path.join(dir, 'app.yaml')).toString();
      await lone.open(uri, 'yaml', fs.readFileSync(path.join(dir, 'app.yaml'), 'utf8'));
      const p = await lone.waitFor(uri, (x) => x.diagnostics.length > 0);
      assert.deepStrictEqual(codes(p.diagnostics).filter((c) => c === 'dangling-config-reference'), ['dangling-config-reference']);
    } finally { await lone.shutdown(); }
  });
  const dangling = (p: { diagnostics: { code?: unknown }[] }) => codes(p.diagnostics as never).filter((c) => c === 'dangling-config-reference');

  it('before the workspace is indexed, resolves names against the manifests that define ConfigMaps', async () => {
    for (const f of ['app.yaml', 'typo.yaml']) {
      await client.open(uriOf(f), 'yaml', fs.readFileSync(path.join(dir, f), 'utf8'));
      const p = await client.waitFor(uriOf(f), (x) => x.version === 1 && x.diagnostics.length > 0);
      assert.deepStrictEqual(dangling(p), f === 'typo.yaml' ? ['dangling-config-reference'] : [], f);
    }
  });

  it('after the report has indexed the workspace, flags the typo and not the name another file defines', async () => {
    await client.conn.sendRequest('seaworthy/report', {});
    for (const f of ['app.yaml', 'typo.yaml']) {
      await client.change(uriOf(f), 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
      const p = await client.waitFor(uriOf(f), (x) => x.version === 2);
      assert.deepStrictEqual(dangling(p), f === 'typo.yaml' ? ['dangling-config-reference'] : [], f);
    }
  });
});
