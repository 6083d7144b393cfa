import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectFiles } from '../../server/src/workspace/files';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { defaultConfig } from '../../server/src/engine/config';
import { mkfifo } from './helpers';

const isRoot = process.getuid?.() === 0;

describe('folder walk: links, FIFOs, unreadable folders, deep trees', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  beforeEach(() => { dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-walk-'))); });
  // rm -rf copes with paths longer than PATH_MAX; fs.rmSync does not.
  afterEach(() => { execFileSync('chmod', ['-R', 'u+rwx', dir]); execFileSync('rm', ['-rf', dir]); });
  const rel = (p: string) => path.relative(dir, p);

  it('never follows links, skips FIFOs and devices, and says so', () => {
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM alpine:3.20\n');
    mkfifo(path.join(dir, 'app', 'compose.yaml'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'Dockerfile'));
    fs.symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    fs.symlinkSync('..', path.join(dir, 'app', 'up'));
    fs.symlinkSync('README', path.join(dir, 'notes.txt'));
    const r = collectFiles([dir]);
    assert.deepStrictEqual(r.files.map(rel), [path.join('app', 'Dockerfile')]);
    assert.deepStrictEqual(r.skipped.map((s) => [rel(s.path), s.severity, s.message]), [
      ['Dockerfile', 'info', 'File skipped: it is a symbolic link, and links are not followed while walking folders (check its target instead).'],
      [path.join('app', 'compose.yaml'), 'warning', 'File skipped: it is a named pipe (FIFO), not a regular file.'],
      [path.join('app', 'up'), 'info', 'Folder not walked: it is a symbolic link, and links are not followed (so a link loop cannot trap the scan).'],
      ['loop.yaml', 'warning', 'File skipped: it is a symbolic link whose target is missing or loops back on itself.'],
    ], 'a link to a file we would not analyse (notes.txt) is not worth a note');
  });

  it('reports a folder it cannot read instead of dropping it in silence', () => {
    for (const d of ['a', 'secret', 'z']) { fs.mkdirSync(path.join(dir, d)); fs.writeFileSync(path.join(dir, d, 'Dockerfile'), 'FROM alpine:3.20\n'); }
    // Root reads a chmod-000 folder, so the refusal is injected; without root the real one is checked too.
    const denied = (d: string) => { if (path.basename(d) === 'secret') throw Object.assign(new Error(`EACCES: permission denied, scandir '${d}'`), { code: 'EACCES' }); return fs.readdirSync(d, { withFileTypes: true }); };
    const r = collectFiles([dir], undefined, denied);
    assert.deepStrictEqual(r.files.map(rel), [path.join('a', 'Dockerfile'), path.join('z', 'Dockerfile')]);
    assert.deepStrictEqual(r.skipped.map((s) => [rel(s.path), s.severity, s.message]), [['secret', 'warning', 'Folder skipped: permission denied.']]);
    fs.chmodSync(path.join(dir, 'secret'), 0);
    const real = collectFiles([dir]);
    if (!isRoot) assert.deepStrictEqual(real.skipped.map((s) => [rel(s.path), s.message]), [['secret', 'Folder skipped: permission denied.']]);
    else assert.strictEqual(real.files.length, 3, 'as root the folder is readable after all');
  });

  it('walks a tree 1,500 folders deep, and reports the folders whose path is too long for the system', () => {
    const deep = path.join(dir, ...Array(1500).fill('d'));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'Dockerfile'), 'FROM alpine:3.20\n');
    // Past PATH_MAX (4,096 bytes on Linux): built one relative step at a time, as a checkout can.
    const name = 'n'.repeat(200);
    const script = `const fs = require('fs'); process.chdir(process.argv[1]); for (let i = 0; i < 25; i++) { fs.mkdirSync('${name}'); process.chdir('${name}'); } fs.writeFileSync('Dockerfile', 'FROM alpine:3.20\\n');`;
    execFileSync(process.execPath, ['-e', script, dir]);
    const r = collectFiles([dir]);
    assert.deepStrictEqual(r.files, [path.join(deep, 'Dockerfile')]);
    assert.strictEqual(r.skipped.length, 1, JSON.stringify(r.skipped.map((s) => s.message)));
    assert.strictEqual(r.skipped[0].message, 'Folder skipped: its path is longer than the system allows.');
    assert.ok(r.skipped[0].path.length > 4096);
  });

  it('the report lists what the walk skipped as problems', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\n');
    mkfifo(path.join(dir, 'compose.yaml'));
    const ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig() });
    await ix.scan();
    assert.deepStrictEqual(ix.results().map((r) => [rel(r.path), r.problems.map((p) => p.message)]), [
      ['Dockerfile', []],
      ['compose.yaml', ['File skipped: it is a named pipe (FIFO), not a regular file.']],
    ]);
  });
});
