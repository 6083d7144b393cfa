import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient } from './lsp-client';

const root = path.resolve(__dirname, '..', '..', '..');
const DOCKERFILE = 'FROM node:20.11-alpine\nUSER node\nENV API_TOKEN=abc123def456ghi\nCMD ["node", "server.js"]\n';
const HINT = 4;

describe('language server: baselines (.seaworthy.yaml baseline: / seaworthy.baseline)', function () {
  this.timeout(60000);
  let dir: string, uri: string;
  let client: TestClient | undefined;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-baseline-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'seaworthy.js'), 'check', '.', '--write-baseline', 'ci/seaworthy-baseline.json'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
  });
  afterEach(async () => { await client?.shutdown(); client = undefined; fs.rmSync(path.join(dir, '.seaworthy.yaml'), { force: true }); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function diagnostics(settings: Record<string, unknown>, text = DOCKERFILE, want = (d: Diagnostic[]) => d.length > 0): Promise<Diagnostic[]> {
    client = new TestClient(settings);
    await client.initializeWorkspace(dir);
    await client.open(uri, 'dockerfile', text);
    return (await client.waitFor(uri, (p) => want(p.diagnostics), 20000)).diagnostics;
  }
  const secretOf = (d: Diagnostic[]) => d.filter((x) => x.code === 'hardcoded-secret');

  it('without a baseline, the secret is an error', async () => {
    const d = await diagnostics({});
    assert.deepStrictEqual(secretOf(d).map((x) => x.severity), [1]);
  });

  it('.seaworthy.yaml `baseline:` turns the recorded findings into hints, and a new finding stays an error', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'baseline: ci/seaworthy-baseline.json\n');
    // Moved two lines down, with a new secret on the line the old one was on.
    const text = DOCKERFILE.replace('USER node\n', 'USER node\nENV DB_PASSWORD=zz9plural9alpha\n# the token\n');
    const d = await diagnostics({}, text, (x) => secretOf(x).length === 2);
    const secrets = secretOf(d).map((x) => [x.range.start.line, x.severity, / \(in the baseline\)$/.test(String(x.message))]);
    assert.deepStrictEqual(secrets, [[2, 1, false], [4, HINT, true]]);
    assert.ok(d.every((x) => x.code === 'hardcoded-secret' || x.severity === HINT), 'every other finding was recorded too');
  });

  it('`baselineFindings: hide` leaves them out; the seaworthy.baselineFindings setting overrides it', async () => {
    fs.writeFileSync(path.join(dir, '.seaworthy.yaml'), 'baseline: ci/seaworthy-baseline.json\nbaselineFindings: hide\n');
    const text = DOCKERFILE + 'ENV DB_PASSWORD=zz9plural9alpha\n';
    const hidden = await diagnostics({ baselineFindings: 'auto' }, text);
    assert.deepStrictEqual(hidden.map((x) => [x.code, x.range.start.line]), [['hardcoded-secret', 4]]);
    await client!.shutdown();
    const shown = await diagnostics({ baselineFindings: 'hint' }, text, (x) => x.length > 1);
    assert.deepStrictEqual(secretOf(shown).map((x) => x.severity), [HINT, 1]);
  });

  it('the seaworthy.baseline setting names a baseline without any .seaworthy.yaml', async () => {
    // The first publish may come before the server has pulled the settings: wait for the one without the secret.
    const d = await diagnostics({ baseline: 'ci/seaworthy-baseline.json', baselineFindings: 'hide' }, DOCKERFILE + 'EXPOSE 8080\n', (x) => !secretOf(x).length);
    assert.deepStrictEqual(d, []);
  });
});
