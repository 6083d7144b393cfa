import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestClient } from './lsp-client';

describe('language server: errors nobody caught are logged and survived', function () {
  this.timeout(30000);
  let dir: string;
  let client: TestClient;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-guard-'));
    // Faults planted in the server process, as a library's stray promise or a bad callback would cause them.
    fs.writeFileSync(path.join(dir, 'faults.js'), [
      "setTimeout(() => { Promise.reject(new Error('planted rejection')); }, 300);",
      "setTimeout(() => { throw new Error('planted exception'); }, 400);",
    ].join('\n'));
  });
  after(async () => { await client?.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('keeps answering after an unhandled rejection and an uncaught exception, and says what happened', async () => {
    client = new TestClient({}, { nodeArgs: ['-r', path.join(dir, 'faults.js')] });
    await client.initialize();
    await new Promise((r) => setTimeout(r, 800));
    assert.strictEqual(client.proc.exitCode, null, `the server exited: ${client.stderr}`);
    const stats = (await client.conn.sendRequest('seaworthy/stats')) as { survivedErrors: number };
    assert.strictEqual(stats.survivedErrors, 2);
    const said = client.logs.join('\n') + client.stderr;
    assert.match(said, /unhandled promise rejection \(the server carries on\): Error: planted rejection/);
    assert.match(said, /uncaught exception \(the server carries on\): Error: planted exception/);
  });
});
