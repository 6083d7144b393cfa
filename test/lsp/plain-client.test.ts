/**
 * A client that is not the VS Code extension (Neovim, Helix, Emacs, …) implements none of Seaworthy's
 * client commands: every fix must come as a plain workspace edit it can apply, and no action may name a
 * command only the extension knows.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from './lsp-client';

type Action = { title: string; kind?: string; edit?: { changes?: Record<string, { newText: string }[]>; documentChanges?: { kind?: string; uri?: string; textDocument?: { uri: string }; edits?: { newText: string }[] }[] }; command?: { command: string } };

describe('language server with a plain LSP client (no Seaworthy commands)', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-plain-'));
    client = new TestClient();
    await client.initialize(false);
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('offers the secret move to .env, the ignore comments and fix-all as workspace edits, and no client command', async () => {
    const file = path.join(dir, 'compose.yaml');
    const text = 'services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-Pa55w0rd-42\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    await client.open(uri, 'yaml', text);
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'hardcoded-secret'));
    const diag = p.diagnostics.find((d) => d.code === 'hardcoded-secret')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } })) as Action[];
    assert.deepStrictEqual(actions.filter((a) => a.command).map((a) => `${a.title}: ${a.command!.command}`), []);
    const move = actions.find((a) => /\.env/.test(a.title));
    assert.ok(move?.edit?.documentChanges, `actions: ${actions.map((a) => a.title)}`);
    const envUri = pathToFileURL(path.join(dir, '.env')).toString();
    assert.ok(move!.edit!.documentChanges!.some((c) => c.kind === 'create' && c.uri === envUri), 'creates .env');
    assert.ok(move!.edit!.documentChanges!.some((c) => c.textDocument?.uri === uri && c.edits!.some((e) => e.newText.includes('${POSTGRES_PASSWORD}'))), 'references the variable');
    const ignore = actions.find((a) => a.title === 'Ignore hardcoded-secret for this line');
    assert.match(Object.values(ignore?.edit?.changes ?? {}).flat()[0]?.newText ?? '', /# seaworthy-ignore hardcoded-secret -- reason/);

    const fixAll = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [], only: ['source.fixAll.seaworthy'] } })) as Action[];
    assert.deepStrictEqual(fixAll.filter((a) => a.command).map((a) => a.title), []);
  });
});
