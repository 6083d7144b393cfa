import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { codes, TestClient } from './lsp-client';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const DOCKERFILE = 'FROM node:20.11-alpine\nENV DB_PASSWORD=hunter2\nCMD ["node", "server.js"]\n';

describe('language server (separate process, LSP over stdio)', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-'));
    client = new TestClient();
    const init = (await client.initialize()) as { capabilities: { codeActionProvider: unknown }; serverInfo: { name: string; version: string } };
    assert.strictEqual(init.serverInfo.name, 'seaworthy');
    // One version: package.json's, written into both bundles at build time.
    const cliVersion = execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'seaworthy.js'), '--version'], { encoding: 'utf8' }).trim();
    assert.strictEqual(init.serverInfo.version, JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    assert.strictEqual(init.serverInfo.version, cliVersion);
    assert.ok(init.capabilities.codeActionProvider);
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('publishes diagnostics with source, rule code, doc link and exact range on open', async () => {
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const p = await client.waitFor(uri, (x) => x.diagnostics.length > 0);
    const d = p.diagnostics.find((x) => x.code === 'hardcoded-secret')!;
    assert.ok(d, `got ${codes(p.diagnostics)}`);
    assert.strictEqual(d.source, 'seaworthy');
    assert.strictEqual(d.severity, 1);
    assert.deepStrictEqual(d.range, { start: { line: 1, character: 16 }, end: { line: 1, character: 23 } });
    assert.match(d.codeDescription!.href, /hardcoded-secret\.md$/);
    assert.ok(!String(d.message).includes('hunter2'), 'the secret must be masked');
  });

  it('re-analyses after an incremental edit and clears the fixed finding', async () => {
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    // Replace "hunter2" (line 1, chars 16-23) with a reference.
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 23 } }, text: '${DB_PASSWORD}' }]);
    const p = await client.waitFor(uri, (x) => x.version === 2);
    assert.deepStrictEqual(p.diagnostics.filter((d) => d.code === 'hardcoded-secret'), []);
  });

  it('cancels stale runs while typing: fewer analyses than edits, last version published', async () => {
    const uri = pathToFileURL(path.join(dir, 'compose.yaml')).toString();
    await client.open(uri, 'yaml', 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n      API_TOKEN: x\n');
    await client.waitFor(uri, (x) => x.version === 1);
    const before = (await client.conn.sendRequest('seaworthy/stats')) as { analyses: number };
    let version = 1;
    for (let i = 0; i < 10; i++) {
      version++;
      await client.change(uri, version, [{ range: { start: { line: 4, character: 18 }, end: { line: 4, character: 18 } }, text: 'y' }]);
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = await client.waitFor(uri, (x) => x.version === version);
    assert.deepStrictEqual(codes(last.diagnostics).filter((c) => c === 'hardcoded-secret'), ['hardcoded-secret']);
    const after = (await client.conn.sendRequest('seaworthy/stats')) as { analyses: number };
    assert.ok(after.analyses - before.analyses < 5, `expected debounced analyses, got ${after.analyses - before.analyses} for 10 edits`);
    assert.ok(!client.published(uri).some((p) => p.version !== undefined && p.version > 1 && p.version < version), 'stale versions were published');
  });

  it('offers ignore quick fixes that insert a suppression comment, its reason a tab stop to type over', async () => {
    const uri = pathToFileURL(path.join(dir, 'k8s.yaml')).toString();
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app:1.0.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2\n';
    await client.open(uri, 'yaml', text);
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'hardcoded-secret'));
    const diag = p.diagnostics.find((d) => d.code === 'hardcoded-secret')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } })) as { title: string; edit?: unknown; command?: { command: string; arguments: unknown[] } }[];
    const ignore = actions.find((a) => a.title === 'Ignore hardcoded-secret for this line');
    assert.ok(ignore, `actions: ${actions.map((a) => a.title)}`);
    assert.strictEqual(ignore!.edit, undefined);
    assert.deepStrictEqual(ignore!.command, {
      title: 'Ignore hardcoded-secret for this line', command: 'seaworthy.applySnippetFix',
      arguments: [uri, 1, { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, '          # seaworthy-ignore hardcoded-secret -- ${1:reason}\n'],
    });
    assert.deepStrictEqual(actions.filter((a) => a.title.startsWith('Show documentation')).map((a) => [a.title, a.command?.command, a.command?.arguments]),
      [['Show documentation for hardcoded-secret', 'seaworthy.showRuleDoc', ['hardcoded-secret']]]);
  });

  it('says nothing about unrelated YAML and clears diagnostics on close', async () => {
    const wf = pathToFileURL(path.join(dir, '.github', 'workflows', 'ci.yml')).toString();
    await client.open(wf, 'yaml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $PASSWORD\n');
    const p = await client.waitFor(wf, () => true);
    assert.deepStrictEqual(p.diagnostics, []);
    const uri = pathToFileURL(path.join(dir, 'closing', 'Dockerfile')).toString();
    await client.open(uri, 'dockerfile', DOCKERFILE);
    await client.waitFor(uri, (x) => x.diagnostics.length > 0);
    const count = client.published(uri).length;
    await client.close(uri);
    await client.waitFor(uri, (x) => client.published(uri).indexOf(x) >= count && x.diagnostics.length === 0);
  });

  it('survives binary and broken input', async () => {
    const bin = pathToFileURL(path.join(dir, 'Dockerfile.bin')).toString();
    await client.open(bin, 'dockerfile', 'FROM \u0000\u0001\u0002 garbage');
    const p = await client.waitFor(bin, () => true);
    assert.deepStrictEqual(codes(p.diagnostics), ['parse-error']);
    const broken = pathToFileURL(path.join(dir, 'compose.broken.yaml')).toString();
    await client.open(broken, 'yaml', 'services:\n  api:\n    image: [unclosed\n');
    const b = await client.waitFor(broken, () => true);
    assert.ok(codes(b.diagnostics).includes('parse-error'));
    assert.ok(client.proc.exitCode === null, 'server must still run');
  });
});

describe('language server: documents without a file (untitled:)', function () {
  this.timeout(30000);
  let client: TestClient;
  before(async () => { client = new TestClient(); await client.initialize(); });
  after(async () => { await client.shutdown(); });

  it('offers quick fixes that edit the untitled document itself, and refuses those that would write a file beside it', async () => {
    const uri = 'untitled:Untitled-1';
    await client.open(uri, 'yaml', 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2\n');
    const p = await client.waitFor(uri, (x) => x.diagnostics.length > 0);
    type Action = { title: string; kind: string; disabled?: { reason: string }; command?: { arguments: unknown[] }; edit?: { changes?: Record<string, unknown[]>; documentChanges?: { textDocument?: { uri: string }; kind?: string; uri?: string }[] } };
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } }, context: { diagnostics: p.diagnostics },
    })) as Action[];
    // A command's first argument is the document it edits (snippet fixes, fix-all).
    const targets = (a: Action) => (a.command ? [a.command.arguments[0]] : [...Object.keys(a.edit?.changes ?? {}), ...(a.edit?.documentChanges ?? []).map((c) => c.textDocument?.uri ?? c.uri)]);
    const ignore = actions.find((a) => a.title === 'Ignore hardcoded-secret for this line');
    assert.ok(ignore, `actions: ${actions.map((a) => a.title)}`);
    assert.deepStrictEqual(targets(ignore!), [uri]);
    const fixes = actions.filter((a) => a.kind === 'quickfix' && !/^(Ignore |Show documentation |Fix all safe )/.test(a.title));
    assert.ok(fixes.length > 0, `actions: ${actions.map((a) => a.title)}`);
    for (const f of fixes) {
      if (f.disabled) assert.match(f.disabled.reason, /Save the document first/, f.title);
      else assert.deepStrictEqual([...new Set(targets(f))], [uri], f.title);
    }
    assert.ok(fixes.some((f) => !f.disabled), 'some fix edits the document itself');
    assert.ok(fixes.some((f) => f.disabled), 'moving the secret to a .env beside an unsaved document is refused');
  });

  it('answers code actions on an untitled Dockerfile (the pin-a-tag snippet targets the document)', async () => {
    const uri = 'untitled:Untitled-2';
    await client.open(uri, 'dockerfile', 'FROM node:latest\nUSER node\nCMD ["node", "server.js"]\n');
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'unpinned-image'));
    const diag = p.diagnostics.find((d) => d.code === 'unpinned-image')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } })) as { title: string; command?: { arguments: unknown[] } }[];
    const pin = actions.find((a) => a.command);
    assert.ok(pin, `actions: ${actions.map((a) => a.title)}`);
    assert.strictEqual(pin!.command!.arguments[0], uri);
  });
});
