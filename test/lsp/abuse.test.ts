import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from './lsp-client';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/**
 * Issue #19 item 4: a client (or whatever writes to the server's stdin) that gets things wrong.
 * The server stays up, answers each request with a result or an LSP error, and keeps working.
 */
describe('language server: abuse over stdio', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-abuse-')));
    client = new TestClient();
    await client.initializeWorkspace(dir);
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  /** A request that must be answered: its result, or the LSP error code it was answered with. */
  const answer = async (method: string, params?: unknown): Promise<{ result?: unknown; code?: number }> => {
    try { return { result: await client.conn.sendRequest(method, params) }; } catch (e) {
      const code = (e as { code?: unknown }).code;
      assert.strictEqual(typeof code, 'number', `${method} was not answered: ${(e as Error).message}`);
      return { code: code as number };
    }
  };
  const stats = async () => (await answer('seaworthy/stats')).result as { analyses: number; survivedErrors: number };
  const alive = async () => { assert.strictEqual(client.proc.exitCode, null, client.stderr); await stats(); };
  const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).toString();

  it('skips malformed frames that keep their length (bad JSON, a non-numeric length, a body that is no message)', async () => {
    for (const raw of [frame('{bad json}'), 'Content-Length: abc\r\n\r\n', frame('42'), frame('[1,2]'), frame('{"id":1}'), frame('null'), 'garbage line\r\n\r\n']) {
      client.proc.stdin!.write(raw);
      // (vscode-jsonrpc leaves what follows an invalid header in the same read for the next one: write it apart.)
      await new Promise((r) => setTimeout(r, 300));
      await alive();
    }
  });

  it('reads on after frames whose Content-Length is wrong, missing, negative or huge (before: deaf for good)', async () => {
    const stats = JSON.stringify({ jsonrpc: '2.0', id: 424242, method: 'seaworthy/stats' });
    for (const raw of [`Content-Length: 5\r\n\r\n${stats}`, `Content-Length: ${stats.length + 40}\r\n\r\n${stats}`, 'Content-Type: x\r\n\r\n{}', 'Content-Length: -5\r\n\r\n', 'Content-Length: 2000000000\r\n\r\n{"a":']) {
      client.proc.stdin!.write(raw);
      await new Promise((r) => setTimeout(r, 100));
      await alive();
    }
  });

  it('answers unknown methods and wrong parameter types with LSP errors (or an empty result)', async () => {
    assert.strictEqual((await answer('seaworthy/no-such-method', {})).code, -32601);
    await client.conn.sendNotification('seaworthy/no-such-notification', { x: 1 });
    await client.conn.sendNotification('$/cancelRequest', { id: 'nope' });
    for (const [method, params] of [
      ['textDocument/codeAction', null], ['textDocument/codeAction', { textDocument: 5 }],
      ['textDocument/codeAction', { textDocument: { uri: 42 }, range: 'x', context: null }],
      ['textDocument/codeAction', { textDocument: { uri: 'not a uri' }, range: { start: {}, end: {} }, context: { diagnostics: 'x' } }],
      ['seaworthy/report', { format: {} }], ['seaworthy/report', 'x'], ['seaworthy/memory', 7], ['seaworthy/stats', [1, 2]],
      ['workspace/executeCommand', { command: 'seaworthy.applySnippetFix', arguments: [null, {}, 'x'] }], ['workspace/executeCommand', null],
      ['shutdownish', undefined],
    ] as [string, unknown][]) await answer(method, params);
    for (const [method, params] of [
      ['textDocument/didOpen', { textDocument: { uri: uriOf('Dockerfile.wrong'), languageId: 'dockerfile', version: 'x', text: 42 } }],
      ['textDocument/didOpen', null], ['textDocument/didChange', { textDocument: { uri: uriOf('nowhere') }, contentChanges: 'x' }],
      ['textDocument/didSave', { textDocument: 7 }], ['workspace/didChangeWatchedFiles', { changes: null }],
      ['workspace/didChangeWatchedFiles', { changes: [{ uri: 5, type: 'x' }, null] }], ['workspace/didChangeConfiguration', { settings: { seaworthy: 'x' } }],
      ['textDocument/didClose', { textDocument: { uri: uriOf('never-opened/Dockerfile') } }],
    ] as [string, unknown][]) await client.conn.sendNotification(method, params);
    await new Promise((r) => setTimeout(r, 500));
    await alive();
  });

  it('takes out-of-range, reversed and overlapping edits and a burst of 1,000 changes, then publishes the last version', async () => {
    const uri = uriOf('Dockerfile');
    await client.open(uri, 'dockerfile', 'FROM node:20.11-alpine\nENV DB_PASSWORD=hunter2\nCMD ["node", "server.js"]\n');
    await client.waitFor(uri, (p) => p.version === 1);
    const at = (line: number, character: number) => ({ line, character });
    await client.change(uri, 2, [{ range: { start: at(1e6, 0), end: at(1e6 + 1, 5) }, text: 'RUN echo far\n' }]);
    await client.change(uri, 3, [{ range: { start: at(-5, -1), end: at(0, 2) }, text: 'FR' }]);
    await client.change(uri, 4, [{ range: { start: at(2, 10), end: at(0, 0) }, text: '' }]);
    await client.change(uri, 5, [{ range: { start: at(0, 0), end: at(1, 5) }, text: 'A' }, { range: { start: at(0, 2), end: at(0, 8) }, text: 'B' }]);
    const before = (await stats()).analyses;
    let version = 5;
    for (let i = 0; i < 1000; i++) void client.change(uri, ++version, [{ range: { start: at(0, 0), end: at(0, 0) }, text: i % 50 === 49 ? '\n' : 'x' }]);
    await client.waitFor(uri, (p) => p.version === version, 30000);
    const analyses = (await stats()).analyses - before;
    assert.ok(analyses < 100, `${analyses} analyses for 1,000 changes`);
    // Code actions anywhere, also far outside the document, and for a document never opened.
    for (const range of [{ start: at(1e6, 0), end: at(1e6, 1) }, { start: at(-1, -1), end: at(-1, 0) }, { start: at(0, 0), end: at(1e9, 1e9) }]) {
      assert.ok(Array.isArray((await answer('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } })).result));
    }
    assert.deepStrictEqual((await answer('textDocument/codeAction', { textDocument: { uri: uriOf('never-opened/Dockerfile') }, range: { start: at(0, 0), end: at(0, 0) }, context: { diagnostics: [] } })).result, []);
    await client.close(uri);
    await client.close(uri);
    await alive();
  });
});
