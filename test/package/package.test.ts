import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

/** What a user installs: the bundled client and server, docs, snippets, grammars, schema — nothing else. */
const ALLOWED = [
  /^extension\/package\.json$/, /^extension\/readme\.md$/, /^extension\/changelog\.md$/, /^extension\/LICENSE\.txt$/, /^extension\/images\/icon\.png$/,
  /^extension\/dist\/(client|server)\.js$/, /^extension\/docs\/rules\/[A-Za-z0-9-]+\.md$/, /^extension\/docs\/[\w-]+\.png$/,
  /^extension\/snippets\/[\w.-]+\.json$/, /^extension\/syntaxes\/[\w.-]+\.json$/, /^extension\/schemas\/[\w.-]+\.json$/,
  /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/,
];

/** Names of the entries in a zip file, read from its central directory. */
function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.strictEqual(buf.readUInt32LE(at), 0x02014b50, 'bad central directory');
    const nameLen = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extra + comment;
  }
  return names;
}

describe('packaged .vsix', function () {
  this.timeout(120000);
  let out: string;
  let vsix: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-vsix-'));
    const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    vsix = path.join(out, `seaworthy-${version}.vsix`);
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', vsix], { cwd: root, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr + r.stdout);
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('contains only the bundled extension and its assets', () => {
    const files = zipEntries(vsix);
    assert.deepStrictEqual(files.filter((f) => !ALLOWED.some((re) => re.test(f))), [], 'unexpected files in the package');
    for (const must of ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/docs/rules/hardcoded-secret.md', 'extension/images/icon.png']) {
      assert.ok(files.includes(must), `${must} missing`);
    }
  });

  it('stays under 3 MB', () => {
    const size = fs.statSync(vsix).size;
    assert.ok(size < 3 * 1024 * 1024, `vsix is ${(size / 1048576).toFixed(2)} MB`);
  });

  it('ships a server bundle that runs without node_modules', async () => {
    fs.copyFileSync(path.join(root, 'dist', 'server.js'), path.join(out, 'server.js'));
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const proc = spawn(process.execPath, [path.join(out, 'server.js'), '--stdio'], { cwd: out, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no initialize response: ${stdout}`)), 10000);
      proc.stdout.on('data', (d) => { stdout += String(d); if (stdout.includes('"serverInfo"')) { clearTimeout(timer); resolve(); } });
      proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
    });
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(init)}\r\n\r\n${init}`);
    try { await answered; } finally { proc.kill(); }
    assert.match(stdout, /"serverInfo":\{"name":"seaworthy"/);
  });
});
