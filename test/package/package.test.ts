import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

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

/** The text of one entry of a zip file (stored or deflated). */
function zipText(file: string, name: string): string {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const method = buf.readUInt16LE(at + 10), size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    if (buf.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLen + extra + comment;
  }
  throw new Error(`${name} not in ${file}`);
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

  it('its README is the page for users, and every image in it is inside the package (shown offline)', () => {
    const files = zipEntries(vsix);
    const readme = zipText(vsix, 'extension/readme.md');
    assert.match(readme, /^# Seaworthy — production readiness for containers\n/);
    assert.doesNotMatch(readme, /npm ci|npm test|npm run/, 'development commands belong in CONTRIBUTING.md');
    for (const heading of ['## What it finds', '## Settings', '## Commands', '## On the command line and in CI']) assert.ok(readme.includes(heading), heading);
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 2, `screenshots: ${images}`);
    for (const img of images) {
      assert.ok(!/^[a-z]+:/i.test(img), `${img}: a web address does not show offline`);
      assert.ok(files.includes(`extension/${img}`), `${img} is not in the package`);
    }
  });

  it('declares what the Marketplace shows and what it does in untrusted workspaces', () => {
    const manifest = JSON.parse(zipText(vsix, 'extension/package.json')) as Record<string, unknown> & { capabilities: { untrustedWorkspaces: { supported: unknown; description?: string } } };
    assert.deepStrictEqual(manifest.categories, ['Linters', 'Programming Languages']);
    assert.ok((manifest.galleryBanner as { color?: string })?.color, 'galleryBanner');
    assert.match(String(manifest.homepage), /^https:\/\//);
    assert.match(String((manifest.bugs as { url?: string })?.url), /^https:\/\/.*\/issues$/);
    assert.ok((manifest.keywords as string[]).length >= 5 && (manifest.keywords as string[]).length <= 30, 'the Marketplace takes at most 30 keywords');
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(String(manifest.capabilities.untrustedWorkspaces.description), /git/);
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
