import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic } from 'vscode-languageserver/node';
import { TestClient } from './lsp-client';

/** Made-up credentials, assembled at run time; assertions name what leaked, never the value. */
const TOKEN = ['ghp', 'Qw3Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4Nm5q'].join('_');
const PASS = ['Kp4m', 'Zr8tW2'].join('');

describe('language server: diagnostics, related information, code actions and reports show no credential', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-mask-'));
    client = new TestClient();
    const root = pathToFileURL(dir).toString();
    client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: root, name: 'w' }]);
    await client.conn.sendRequest('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'w' }], capabilities: { workspace: { configuration: true, workspaceFolders: true } } });
    await client.conn.sendNotification('initialized', {});
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  const leaks = (text: string) => text.includes(TOKEN.slice(4, 20)) || text.includes(PASS);
  const texts = (ds: Diagnostic[]) => ds.flatMap((d) => [d.message, ...(d.relatedInformation ?? []).map((r) => r.message)]).join('\n');

  it('a credential URL in RUN, ADD and a Compose build context is masked in every diagnostic', async () => {
    const dockerfile = `FROM alpine:3.20\nRUN git clone https://oauth2:${TOKEN}@github.com/acme/app.git /src\nADD https://deploy:${PASS}@artifacts.example.com/tool.tgz /opt/\nCMD ["/src/run"]\n`;
    const compose = `services:\n  api:\n    build: https://oauth2:${PASS}@github.com/acme/api.git\n    environment:\n      DB_PASSWORD: ${PASS}\n`;
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    fs.writeFileSync(path.join(dir, 'compose.yaml'), compose);
    const dUri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    const cUri = pathToFileURL(path.join(dir, 'compose.yaml')).toString();
    await client.open(dUri, 'dockerfile', dockerfile);
    await client.open(cUri, 'yaml', compose);
    const d = await client.waitFor(dUri, (p) => p.diagnostics.some((x) => x.code === 'code-fetched-at-build'));
    const c = await client.waitFor(cUri, (p) => p.diagnostics.some((x) => x.code === 'build-context-outside-repo'));
    const codes = new Set([...d.diagnostics, ...c.diagnostics].map((x) => String(x.code)));
    for (const r of ['code-fetched-at-build', 'remote-add', 'secret-in-command', 'build-context-outside-repo']) assert.ok(codes.has(r), `no ${r} diagnostic`);
    assert.ok(!leaks(texts(d.diagnostics)), 'a Dockerfile diagnostic shows a credential');
    assert.ok(!leaks(texts(c.diagnostics)), 'a Compose diagnostic shows a credential');
    assert.ok(texts(d.diagnostics).includes('https://oauth2:ghp_****@github.com/acme/app.git'), 'the URL stays readable');

    const titles: string[] = [];
    for (const [uri, ds] of [[dUri, d.diagnostics], [cUri, c.diagnostics]] as const) {
      for (const diag of ds) {
        const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } })) as { title: string }[];
        titles.push(...actions.map((a) => a.title));
      }
    }
    assert.ok(titles.length > 0, 'code actions are offered');
    assert.ok(!leaks(titles.join('\n')), 'a code action title shows a credential');

    const report = (await client.conn.sendRequest('seaworthy/report', { format: 'sarif' })) as { report: unknown; text: string };
    assert.ok(!leaks(JSON.stringify(report.report)), 'the workspace report shows a credential');
    assert.ok(!leaks(report.text), 'the SARIF export shows a credential');
  });
});
