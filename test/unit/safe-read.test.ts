import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readRegularFile, readTextFile, UnreadableFile } from '../../server/src/workspace/safe-read';
import { mkfifo } from './helpers';

const isRoot = process.getuid?.() === 0;


function reason(fn: () => unknown): { reason: string; message: string } {
  try { fn(); } catch (e) { assert.ok(e instanceof UnreadableFile, String(e)); return { reason: e.reason, message: e.message }; }
  assert.fail('expected UnreadableFile');
}

describe('safe file reading (regular files only, size cap before reading)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-read-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file as UTF-8, up to and including the cap', () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20 # é\n');
    assert.strictEqual(readTextFile(path.join(dir, 'Dockerfile'), 1024), 'FROM alpine:3.20 # é\n');
    fs.writeFileSync(path.join(dir, 'ten'), '0123456789');
    assert.strictEqual(readRegularFile(path.join(dir, 'ten'), 10).length, 10);
    assert.deepStrictEqual(reason(() => readRegularFile(path.join(dir, 'ten'), 9)), { reason: 'too-large', message: '0.0 MB is over the 0.0 MB limit' });
  });

  it('refuses a FIFO without blocking (opening or reading it would wait for a writer forever)', function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'Dockerfile');
    mkfifo(fifo);
    assert.deepStrictEqual(reason(() => readTextFile(fifo, 1 << 20)), { reason: 'not-regular', message: 'it is a named pipe (FIFO), not a regular file' });
  });

  it('refuses a link to /dev/zero (reading it never ends) and other devices', function () {
    if (!fs.existsSync('/dev/zero')) this.skip();
    fs.symlinkSync('/dev/zero', path.join(dir, 'Dockerfile'));
    assert.deepStrictEqual(reason(() => readTextFile(path.join(dir, 'Dockerfile'), 1 << 20)), { reason: 'not-regular', message: 'it is a character device, not a regular file' });
  });

  it('says why in words: folder, missing, link loop, over-long path, permission', () => {
    assert.strictEqual(reason(() => readTextFile(dir, 100)).message, 'it is a folder, not a regular file');
    assert.strictEqual(reason(() => readTextFile(path.join(dir, 'nope'), 100)).reason, 'missing');
    fs.symlinkSync('loop', path.join(dir, 'loop'));
    assert.deepStrictEqual(reason(() => readTextFile(path.join(dir, 'loop'), 100)), { reason: 'loop', message: 'it is a symbolic link that loops back on itself' });
    assert.strictEqual(reason(() => readTextFile(path.join(dir, 'x'.repeat(5000)), 100)).reason, 'path-too-long');
    const locked = path.join(dir, 'locked.yaml');
    fs.writeFileSync(locked, 'a: 1\n');
    fs.chmodSync(locked, 0);
    // root reads a mode-000 file anyway; everyone else must get the reason, not an exception.
    if (!isRoot) assert.deepStrictEqual(reason(() => readTextFile(locked, 100)), { reason: 'denied', message: 'permission denied' });
    else assert.strictEqual(readTextFile(locked, 100), 'a: 1\n');
  });
});
