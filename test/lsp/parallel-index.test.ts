/**
 * Issue #18: a workspace with enough files is indexed in worker threads (workspace/parallel-index.ts);
 * the report must be the one a sequential scan gives, references across threads' shares included.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { PARALLEL_MIN_FILES } from '../../server/src/engine/worker-pool';
import { reportOf } from '../../server/src/report';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { generateWorkspace } from './generated-workspace';
import { TestClient } from './lsp-client';

/** Enough services to pass the threshold, and a manifest using ConfigMaps from far away in the walk (and one from nowhere). */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-parallel-index-'));
  const services = Math.ceil(PARALLEL_MIN_FILES / 3) + 10;
  generateWorkspace(dir, services);
  fs.writeFileSync(path.join(dir, 'svc-0000', 'far.yaml'), [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: far}', 'spec:', '  template:', '    spec:', '      containers:',
    '        - name: app', '          image: shop/far:1.0.0', '          envFrom:', `            - configMapRef: {name: svc-${services - 1}-config}`,
    '            - configMapRef: {name: nowhere-config}', '',
  ].join('\n'));
  return dir;
}

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('workspace index in worker threads', function () {
  this.timeout(180000);
  let dir: string;
  before(() => { dir = workspace(); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sequential = async () => {
    const ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig(), threads: 1 });
    assert.strictEqual(await ix.scan(), true);
    return ix;
  };

  it('gives the same results, links and report as a scan on one thread', async () => {
    const one = await sequential();
    const two = new WorkspaceIndex({ roots: [dir], config: defaultConfig(), threads: 2 });
    assert.strictEqual(await two.scan(), true);
    assert.strictEqual(two.analyses, one.analyses);
    assert.deepStrictEqual(plain(two.results()), plain(one.results()));
    assert.deepStrictEqual(plain(reportOf(two)), plain(reportOf(one)));
    const dangling = one.results().flatMap((r) => r.findings).filter((f) => f.ruleId === 'dangling-config-reference');
    assert.deepStrictEqual(dangling.map((f) => /nowhere-config/.test(f.message)), [true], 'the far ConfigMap resolves, the missing one does not');
  });

  it('keeps what later edits need: a changed ConfigMap re-analyses the manifests that read the catalogue', async () => {
    const two = new WorkspaceIndex({ roots: [dir], config: defaultConfig(), threads: 2 });
    await two.scan();
    const k8s = path.join(dir, 'svc-0001', 'k8s.yaml');
    const before = fs.readFileSync(k8s, 'utf8');
    try {
      fs.writeFileSync(k8s, before.replace('svc-1-config', 'svc-1-renamed'));
      const again = await two.update(k8s, 'changed');
      assert.ok(again.includes(path.join(dir, 'svc-0000', 'far.yaml')), 'a reader of the catalogue was analysed again');
      const one = await sequential();
      assert.deepStrictEqual(plain(reportOf(two)), plain(reportOf(one)));
    } finally { fs.writeFileSync(k8s, before); }
  });

  it('the language server reports such a workspace as the sequential index does', async () => {
    const client = new TestClient();
    try {
      await client.initializeWorkspace(dir);
      const response = await client.conn.sendRequest('seaworthy/report', {}) as { report: unknown };
      assert.deepStrictEqual(response.report, plain(reportOf(await sequential())));
    } finally { await client.shutdown(); }
  });
});
