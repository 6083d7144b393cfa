/**
 * The editor sees a Compose project as `docker compose` does: an overlay is judged merged over its base,
 * so editing the base (unsaved) re-analyses the open overlay; `.env` files get diagnostics too.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { codes, TestClient } from './lsp-client';

const BASE = ['services:', '  db:', '    image: ${DB_IMAGE}', '    restart: unless-stopped', '    volumes:', '      - db-data:/var/lib/postgresql/data', 'volumes:', '  db-data:', ''].join('\n');
const OVERLAY = ['services:', '  db:', '    ports:', '      - "5432:5432"', ''].join('\n');

describe('language server: Compose overlays and env files', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).toString();
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-overlay-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), BASE);
    fs.writeFileSync(path.join(dir, 'compose.override.yaml'), OVERLAY);
    fs.writeFileSync(path.join(dir, '.env'), 'DB_IMAGE=postgres:16.4\nDB_PASSWORD=Xk29fLq0ZtR8wPe3\n');
    client = new TestClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('judges the override on its base (image from .env), and drops the finding when the base is edited', async () => {
    await client.open(uriOf('compose.yaml'), 'dockercompose', BASE);
    await client.open(uriOf('compose.override.yaml'), 'dockercompose', OVERLAY);
    const first = await client.waitFor(uriOf('compose.override.yaml'), (p) => p.diagnostics.length > 0);
    assert.deepStrictEqual(codes(first.diagnostics), ['database-port-published']);
    // The base now runs an application image: publishing its port is no database exposure.
    const edit = { range: { start: { line: 2, character: 11 }, end: { line: 2, character: 22 } }, text: 'example/app:1.4.2' };
    await client.change(uriOf('compose.yaml'), 2, [edit]);
    const after = await client.waitFor(uriOf('compose.override.yaml'), (p) => !codes(p.diagnostics).includes('database-port-published'));
    assert.deepStrictEqual(codes(after.diagnostics).filter((c) => c === 'database-port-published'), []);
  });

  it('shows a committed literal secret in an open .env file', async () => {
    await client.open(uriOf('.env'), 'dotenv', fs.readFileSync(path.join(dir, '.env'), 'utf8'));
    const p = await client.waitFor(uriOf('.env'), (x) => x.diagnostics.length > 0);
    assert.deepStrictEqual(codes(p.diagnostics), ['hardcoded-secret']);
    assert.strictEqual(p.diagnostics[0].range.start.line, 1);
  });
});
