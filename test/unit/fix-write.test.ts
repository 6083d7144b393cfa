/**
 * Writing fixes: targets checked before anything is written, never outside the project or through a
 * link out of it, the secret's destination before its reference, each file replaced atomically, and
 * one fix run per project at a time.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';
import { acquireFixLock, LOCK_NAME } from '../../server/src/engine/fix-lock';
import { FixWriteError } from '../../server/src/engine/fix-write';

const noGit = { refuseReason: () => undefined, ignored: () => false };
const COMPOSE = 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n      DB_PASSWORD: hunter2-secret\n';

describe('writing fixes (engine/fix-write, engine/fix-lock)', () => {
  let tmp: string;
  let project: string;
  let file: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-write-')));
    project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    file = path.join(project, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function fixAndWrite(): Promise<{ refused: string[] }> {
    const session = new FixSession(noGit, undefined, project);
    const r = await session.fixFile(file, defaultConfig(), { unsafe: false });
    await session.write();
    return { refused: r.refused.filter((x) => x.ruleId === 'hardcoded-secret').map((x) => x.reason) };
  }

  const secretLine = () => /DB_PASSWORD: (.*)$/m.exec(fs.readFileSync(file, 'utf8'))![1];

  it('refuses the move when .env is a directory, before anything is written', async () => {
    fs.mkdirSync(path.join(project, '.env'));
    const r = await fixAndWrite();
    assert.match(r.refused.join(), /not writing to \.env: \.env is a directory/);
    assert.strictEqual(secretLine(), 'hunter2-secret', 'the reference was not written');
    assert.ok(fs.statSync(path.join(project, '.env')).isDirectory());
  });

  it('refuses the move when .env is read-only (also for root)', async () => {
    fs.writeFileSync(path.join(project, '.env'), 'OTHER=1\n', { mode: 0o444 });
    fs.chmodSync(path.join(project, '.env'), 0o444);
    const r = await fixAndWrite();
    assert.match(r.refused.join(), /\.env is read-only/);
    assert.strictEqual(secretLine(), 'hunter2-secret');
    assert.strictEqual(fs.readFileSync(path.join(project, '.env'), 'utf8'), 'OTHER=1\n');
  });

  it('never writes through a .env or .gitignore link that leaves the project, nor creates its target', async () => {
    const outside = path.join(tmp, 'outside.env');
    fs.writeFileSync(outside, 'OTHER=1\n');
    fs.symlinkSync(outside, path.join(project, '.env'));
    assert.match((await fixAndWrite()).refused.join(), /\.env is outside the project/);
    assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'OTHER=1\n');
    fs.rmSync(path.join(project, '.env'));
    fs.rmSync(outside);
    fs.symlinkSync(outside, path.join(project, '.env'));
    assert.match((await fixAndWrite()).refused.join(), /\.env is a symbolic link to a file that does not exist/);
    assert.ok(!fs.existsSync(outside), 'the link\'s target is not created');
    fs.rmSync(path.join(project, '.env'));
    const ignore = path.join(tmp, 'outside.gitignore');
    fs.writeFileSync(ignore, 'node_modules\n');
    fs.symlinkSync(ignore, path.join(project, '.gitignore'));
    assert.match((await fixAndWrite()).refused.join(), /\.gitignore is outside the project/);
    assert.strictEqual(fs.readFileSync(ignore, 'utf8'), 'node_modules\n');
    assert.ok(!fs.existsSync(path.join(project, '.env')));
    assert.strictEqual(secretLine(), 'hunter2-secret');
  });

  it('writes through a link that stays inside the project, keeping the link', async () => {
    fs.mkdirSync(path.join(project, 'env'));
    fs.writeFileSync(path.join(project, 'env', 'shared.env'), 'OTHER=1\n');
    fs.symlinkSync(path.join('env', 'shared.env'), path.join(project, '.env'));
    assert.deepStrictEqual((await fixAndWrite()).refused, []);
    assert.ok(fs.lstatSync(path.join(project, '.env')).isSymbolicLink());
    assert.strictEqual(fs.readFileSync(path.join(project, 'env', 'shared.env'), 'utf8'), 'OTHER=1\nDB_PASSWORD=hunter2-secret\n');
    assert.strictEqual(secretLine(), '${DB_PASSWORD}');
  });

  it('writes nothing when a target changed on disk after it was read', async () => {
    const session = new FixSession(noGit, undefined, project);
    await session.fixFile(file, defaultConfig(), { unsafe: false });
    fs.writeFileSync(path.join(project, '.env'), 'WRITTEN_MEANWHILE=1\n');
    await assert.rejects(session.write(), (e: Error) => e instanceof FixWriteError && /\.env changed on disk/.test(e.message));
    assert.strictEqual(fs.readFileSync(file, 'utf8'), COMPOSE);
    assert.strictEqual(fs.readFileSync(path.join(project, '.env'), 'utf8'), 'WRITTEN_MEANWHILE=1\n');
  });

  it('writes the .env before the reference, each file renamed into place with its mode kept', async () => {
    fs.chmodSync(file, 0o640);
    const inode = fs.statSync(file).ino;
    const session = new FixSession(noGit, undefined, project);
    await session.fixFile(file, defaultConfig(), { unsafe: false });
    const order: string[] = [];
    // The module object itself (an `import * as` namespace only has getters).
    const nodeFs = require('fs') as { renameSync: typeof fs.renameSync };
    const rename = nodeFs.renameSync;
    nodeFs.renameSync = (from, to) => {
      order.push(path.basename(String(to)));
      // An interruption after the first file: the value is saved, the reference not yet written.
      if (path.basename(String(to)) === 'compose.yaml') throw Object.assign(new Error('killed'), { code: 'EINTR' });
      rename(from, to);
    };
    try { await assert.rejects(session.write(), /killed/); } finally { nodeFs.renameSync = rename; }
    assert.deepStrictEqual(order, ['.env', '.gitignore', 'compose.yaml']);
    assert.strictEqual(fs.readFileSync(path.join(project, '.env'), 'utf8'), 'DB_PASSWORD=hunter2-secret\n');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), COMPOSE, 'the reference file is whole: old text');
    assert.deepStrictEqual(fs.readdirSync(project).filter((n) => n.endsWith('.tmp')), [], 'no temporary file is left');
    const again = new FixSession(noGit, undefined, project);
    await again.fixFile(file, defaultConfig(), { unsafe: false });
    await again.write();
    assert.strictEqual(secretLine(), '${DB_PASSWORD}', 'the next run finishes the move, reusing the saved value');
    assert.strictEqual(fs.readFileSync(path.join(project, '.env'), 'utf8'), 'DB_PASSWORD=hunter2-secret\n');
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o640);
    assert.notStrictEqual(fs.statSync(file).ino, inode, 'replaced by rename, not rewritten in place');
    assert.strictEqual(fs.statSync(path.join(project, '.env')).mode & 0o777, 0o600, 'a new .env is private');
  });

  it('one fix run per project: a second waits for the first; a lock left by a killed run is taken over at once', async () => {
    const release = await acquireFixLock(project);
    let second = false;
    const waiting = acquireFixLock(project).then((r) => { second = true; return r; });
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(second, false, 'the second run waits');
    release();
    (await waiting)();
    assert.ok(!fs.existsSync(path.join(project, LOCK_NAME)), 'released');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(project, LOCK_NAME), JSON.stringify({ pid: Number(dead), host: os.hostname(), token: 'old' }));
    const taken = await acquireFixLock(project, 2000);
    assert.notStrictEqual(JSON.parse(fs.readFileSync(path.join(project, LOCK_NAME), 'utf8')).token, 'old');
    taken();
    fs.writeFileSync(path.join(project, LOCK_NAME), JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'alive' }));
    await assert.rejects(acquireFixLock(project, 300), /another seaworthy fix \(pid \d+\) is changing/);
  });
});
