import * as assert from 'assert';
import * as crypto from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const codeCache = require(path.join(root, 'bin', 'code-cache.js')) as {
  loadBundle(bundle: string): { exports: { main: unknown }; cache: 'none' | 'accepted' | 'rejected' };
  writeCodeCache(loaded: unknown): void;
  cachePathOf(bundle: string): string;
};

/** Loads a bundle in a fresh process: V8's in-process compilation cache would otherwise hide what the file cache did. */
function probe(bundle: string): { cache: string; main: string } {
  const script = `const l = require(${JSON.stringify(path.join(root, 'bin', 'code-cache.js'))}).loadBundle(${JSON.stringify(bundle)});
    process.stdout.write(JSON.stringify({ cache: l.cache, main: typeof l.exports.main }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cache: string; main: string };
}

describe('CLI code cache (bin/code-cache.js)', function () {
  this.timeout(60000);
  let tmp: string;
  let bundle: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-code-cache-'));
    bundle = path.join(tmp, 'cli.js');
    fs.copyFileSync(path.join(root, 'dist', 'cli.js'), bundle);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('loads the bundle without a cache, saves one, and uses it next time', () => {
    fs.rmSync(codeCache.cachePathOf(bundle), { force: true });
    const first = codeCache.loadBundle(bundle);
    assert.strictEqual(first.cache, 'none');
    assert.strictEqual(typeof first.exports.main, 'function');
    codeCache.writeCodeCache(first);
    const saved = fs.readFileSync(codeCache.cachePathOf(bundle));
    const digest = crypto.createHash('sha1').update(fs.readFileSync(bundle, 'utf8')).digest();
    assert.ok(saved.subarray(0, 20).equals(digest), 'the cache starts with the digest of the bundle it was made from');
    assert.ok(saved.length > 1000, 'the cache holds bytecode');
    assert.deepStrictEqual(probe(bundle), { cache: 'accepted', main: 'function' });
  });

  it('ignores a cache made from another bundle of the same length (V8 alone would accept it)', () => {
    codeCache.writeCodeCache(codeCache.loadBundle(bundle));
    const text = fs.readFileSync(bundle, 'utf8');
    const i = text.indexOf('Usage: seaworthy');
    assert.ok(i > 0);
    const edited = text.slice(0, i) + 'Usage: Seaworthy' + text.slice(i + 'Usage: seaworthy'.length);
    assert.strictEqual(edited.length, text.length);
    const other = path.join(tmp, 'other', 'cli.js');
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.writeFileSync(other, edited);
    fs.copyFileSync(codeCache.cachePathOf(bundle), codeCache.cachePathOf(other));
    assert.deepStrictEqual(probe(other), { cache: 'none', main: 'function' });
  });

  it('survives a damaged cache: V8 refuses it and the bundle compiles as usual', () => {
    const digest = crypto.createHash('sha1').update(fs.readFileSync(bundle, 'utf8')).digest();
    fs.writeFileSync(codeCache.cachePathOf(bundle), Buffer.concat([digest, Buffer.alloc(4096, 7)]));
    assert.deepStrictEqual(probe(bundle), { cache: 'rejected', main: 'function' });
  });

  it('npm run build trained a cache for the shipped bundle, and this Node accepts it', () => {
    assert.deepStrictEqual(probe(path.join(root, 'dist', 'cli.js')), { cache: 'accepted', main: 'function' });
  });

  it('prints the same findings with and without the cache', () => {
    const bare = path.join(tmp, 'bare');
    fs.mkdirSync(path.join(bare, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(bare, 'dist'), { recursive: true });
    for (const f of ['seaworthy.js', 'code-cache.js']) fs.copyFileSync(path.join(root, 'bin', f), path.join(bare, 'bin', f));
    fs.copyFileSync(path.join(root, 'dist', 'cli.js'), path.join(bare, 'dist', 'cli.js'));
    const run = (bin: string) => spawnSync(process.execPath, [bin, 'check', 'examples', '--format', 'json'], { cwd: root, encoding: 'utf8' });
    const withCache = run(path.join(root, 'bin', 'seaworthy.js'));
    const withoutCache = run(path.join(bare, 'bin', 'seaworthy.js'));
    assert.ok(!fs.existsSync(path.join(bare, 'dist', 'cli.js.cache')), 'a normal run writes no cache');
    assert.strictEqual(withCache.status, 1, withCache.stderr);
    assert.strictEqual(withoutCache.status, 1, withoutCache.stderr);
    assert.ok(JSON.parse(withCache.stdout).findings.length > 10);
    assert.strictEqual(withCache.stdout, withoutCache.stdout);
  });
});
