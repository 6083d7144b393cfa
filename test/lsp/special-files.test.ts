import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { mkfifo } from '../unit/helpers';
import { TestClient } from './lsp-client';

/** Issue #20 item 3: reading a FIFO blocked the server's only thread for good. */
describe('language server: FIFOs under names it reads', function () {
  if (process.platform === 'win32') return;
  this.timeout(30000);
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lsp-fifo-')));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'app'));
    mkfifo(path.join(dir, 'app', 'Dockerfile'));
    mkfifo(path.join(dir, 'app', '.seaworthy.yaml'));
    client = new TestClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

  it('analyses a Compose file whose build folder holds a FIFO named Dockerfile', async () => {
    await client.open(uri('compose.yaml'), 'yaml', 'services:\n  web:\n    build: ./app\n    image: shop/web:1.2.3\n');
    await client.waitFor(uri('compose.yaml'), () => true);
    assert.strictEqual(client.proc.exitCode, null, client.stderr);
  });

  it('shows a FIFO .seaworthy.yaml as unreadable on it, and still analyses the files under it', async () => {
    await client.open(uri('app/compose.yaml'), 'yaml', 'services:\n  api:\n    image: shop/api:latest\n');
    const d = await client.waitFor(uri('app/compose.yaml'), () => true);
    assert.ok(d.diagnostics.some((x) => x.code === 'unpinned-image'));
    const config = await client.waitFor(uri('app/.seaworthy.yaml'), (p) => p.diagnostics.length > 0);
    assert.deepStrictEqual(config.diagnostics.map((x) => x.message), ['Could not read the configuration: it is a named pipe (FIFO), not a regular file.']);
  });
});
