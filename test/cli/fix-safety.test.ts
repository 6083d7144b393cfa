/**
 * `seaworthy fix` never loses data, run as users run it: a `.env` that cannot be written, two runs
 * at once sharing a `.env`, and `kill -9` at random moments of a 1,000-file fix.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function runAsync(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const compose = (svc: string, name: string, value: string) => `services:\n  ${svc}:\n    image: shop/${svc}:1.0.0\n    restart: unless-stopped\n    environment:\n      ${name}: ${value}\n`;
const fixed = (svc: string, name: string) => `services:\n  ${svc}:\n    image: shop/${svc}:1.0.0\n    restart: unless-stopped\n    environment:\n      ${name}: \${${name}}\n`;

describe('seaworthy fix keeps every value (CLI)', function () {
  this.timeout(600000);
  let tmp: string;
  beforeEach(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixsafe-'))); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('.env is a directory: the move is skipped with the reason, compose.yaml keeps its value, no internal error', () => {
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), compose('api', 'DB_PASSWORD', 'hunter2-secret'));
    fs.mkdirSync(path.join(tmp, '.env'));
    const r = run(['fix', 'compose.yaml'], tmp);
    assert.doesNotMatch(r.err, /internal error/, r.err);
    assert.match(r.out, /^skipped compose\.yaml: hardcoded-secret: .*not writing to \.env: \.env is a directory$/m, r.out);
    assert.strictEqual(fs.readFileSync(path.join(tmp, 'compose.yaml'), 'utf8'), compose('api', 'DB_PASSWORD', 'hunter2-secret'));
    assert.strictEqual(r.code, 1, 'the secret is still there');
  });

  it('.env is a directory: the other fixes still apply, what remains names the secret, and a second run changes nothing', () => {
    // A refused secret move must not hide the secret from the judgement of later fixes and of what remains.
    const text = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: "pa$$1word-Xq7"\n';
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), text);
    fs.mkdirSync(path.join(tmp, '.env'));
    // strict: slow-shutdown-without-grace (a strict rule) is the other fix that must still apply.
    const first = run(['fix', 'compose.yaml', '--rules', 'strict'], tmp);
    assert.doesNotMatch(first.out, /more serious problem \(hardcoded-secret\)/, first.out);
    assert.match(first.out, /^fixed compose\.yaml: slow-shutdown-without-grace: /m, first.out);
    assert.match(first.out, /hardcoded-secret$/m, 'the secret is listed among the remaining findings');
    assert.strictEqual(first.code, 1, first.out);
    const after = fs.readFileSync(path.join(tmp, 'compose.yaml'), 'utf8');
    assert.match(after, /POSTGRES_PASSWORD: "pa\$\$1word-Xq7"/);
    const second = run(['fix', 'compose.yaml', '--rules', 'strict'], tmp);
    assert.doesNotMatch(second.out, /^fixed /m, second.out);
    assert.strictEqual(fs.readFileSync(path.join(tmp, 'compose.yaml'), 'utf8'), after);
  });

  it('two fix runs sharing a .env never lose a value (six rounds)', async () => {
    for (let round = 0; round < 6; round++) {
      const dir = path.join(tmp, `round${round}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'compose-a.yaml'), compose('a', 'A_TOKEN', `tok-a-${round}-abcdefgh12345`));
      fs.writeFileSync(path.join(dir, 'compose-b.yaml'), compose('b', 'B_TOKEN', `tok-b-${round}-abcdefgh12345`));
      // Each run also checks 60 files with nothing to fix: time between reading the .env and writing it.
      for (const x of ['a', 'b']) {
        fs.mkdirSync(path.join(dir, `more-${x}`));
        for (let i = 0; i < 60; i++) fs.writeFileSync(path.join(dir, `more-${x}`, `compose-${i}.yaml`), `services:\n  s${i}:\n    image: shop/s:1.0.${i}\n    restart: unless-stopped\n`);
      }
      const [a, b] = await Promise.all([runAsync(['fix', 'compose-a.yaml', 'more-a'], dir), runAsync(['fix', 'compose-b.yaml', 'more-b'], dir)]);
      assert.strictEqual(a.code, 0, a.out + a.err);
      assert.strictEqual(b.code, 0, b.out + b.err);
      const env = fs.readFileSync(path.join(dir, '.env'), 'utf8').split('\n');
      assert.ok(env.includes(`A_TOKEN=tok-a-${round}-abcdefgh12345`) && env.includes(`B_TOKEN=tok-b-${round}-abcdefgh12345`), `round ${round}: ${env.length} lines`);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'compose-a.yaml'), 'utf8'), fixed('a', 'A_TOKEN'));
      assert.strictEqual(fs.readFileSync(path.join(dir, 'compose-b.yaml'), 'utf8'), fixed('b', 'B_TOKEN'));
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['.env', '.gitignore', 'compose-a.yaml', 'compose-b.yaml', 'more-a', 'more-b']);
    }
  });

  it('kill -9 at random moments of a 1,000-file fix loses nothing; the next run finishes the job', async () => {
    // 100 folders of 10 Compose files, each with one secret; the 10 share their folder's .env.
    const project = path.join(tmp, 'project');
    const files: { file: string; dir: string; name: string; value: string; svc: string }[] = [];
    for (let i = 0; i < 100; i++) {
      const dir = path.join(project, `svc${i}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let j = 0; j < 10; j++) {
        const f = { file: path.join(dir, `compose-${j}.yaml`), dir, name: `TOKEN_${j}`, value: `tok-${i}-${j}-abcdefgh12345`, svc: `app${j}` };
        fs.writeFileSync(f.file, compose(f.svc, f.name, f.value));
        files.push(f);
      }
    }
    const temp = /^\.(.+)\.seaworthy-\d+-[0-9a-f]+\.tmp$/;
    const check = (label: string) => {
      let moved = 0;
      for (const f of files) {
        const text = fs.readFileSync(f.file, 'utf8');
        const env = fs.existsSync(path.join(f.dir, '.env')) ? fs.readFileSync(path.join(f.dir, '.env'), 'utf8').split('\n') : [];
        if (text === fixed(f.svc, f.name)) {
          moved++;
          assert.ok(env.includes(`${f.name}=${f.value}`), `${label}: ${path.relative(project, f.file)} references ${f.name}, which its .env lacks`);
        } else assert.strictEqual(text, compose(f.svc, f.name, f.value), `${label}: ${path.relative(project, f.file)} is neither its old nor its fixed text`);
        for (const l of env) assert.ok(l === '' || /^TOKEN_\d=tok-\d+-\d-abcdefgh12345$/.test(l), `${label}: unexpected .env line`);
      }
      const envs = files.filter((f) => f.file.endsWith('compose-0.yaml') && fs.existsSync(path.join(f.dir, '.env'))).length;
      const temps = fs.readdirSync(project, { recursive: true }).map(String).filter((p) => temp.test(path.basename(p))).length;
      return `${label}: ${moved}/1000 references written, ${envs}/100 .env written, ${temps} temporary files left, 0 values lost`;
    };

    const pristine = () => {
      for (const f of files) { fs.writeFileSync(f.file, compose(f.svc, f.name, f.value)); for (const n of ['.env', '.gitignore']) fs.rmSync(path.join(f.dir, n), { force: true }); }
    };
    // Kills: at a random moment of the whole run, in the write phase's preparation (after its first
    // temporary file) and among its renames (the first .env in place, polled without waiting for events).
    // A run killed with everything done leaves nothing to test: the next one starts from the old files.
    const kills: { trigger: 'start' | 'temp' | 'env'; delay: number }[] = [
      { trigger: 'start', delay: Math.random() * 4000 },
      { trigger: 'temp', delay: Math.random() * 150 },
      { trigger: 'env', delay: Math.random() * 3 },
      { trigger: 'env', delay: Math.random() },
    ];
    const firstEnv = path.join(files[0].dir, '.env');
    const report: string[] = [];
    for (const [k, kill] of kills.entries()) {
      if (files.every((f) => fs.readFileSync(f.file, 'utf8') === fixed(f.svc, f.name))) pristine();
      const hadEnv = fs.existsSync(firstEnv);
      const started = Date.now();
      const child = spawn(process.execPath, [bin, 'fix', '.'], { cwd: project, stdio: 'ignore' });
      let exitedYet = false;
      const exited = new Promise<void>((resolve) => child.on('exit', () => { exitedYet = true; resolve(); }));
      if (kill.trigger === 'start') setTimeout(() => child.kill('SIGKILL'), kill.delay);
      else if (kill.trigger === 'temp') {
        const watcher = fs.watch(project, { recursive: true }, (_, name) => {
          if (temp.test(path.basename(String(name ?? '')))) { watcher.close(); setTimeout(() => child.kill('SIGKILL'), kill.delay); }
        });
        void exited.then(() => watcher.close());
      } else {
        // Busy polling (the event loop is blocked on purpose): file events arrive too late for the renames.
        const envBefore = hadEnv ? fs.readFileSync(firstEnv, 'utf8') : undefined;
        const changed = () => { try { return fs.readFileSync(firstEnv, 'utf8') !== envBefore; } catch { return false; } };
        while (!changed() && Date.now() - started < 120000) { await new Promise((r) => setImmediate(r)); if (exitedYet) break; }
        const until = performance.now() + kill.delay;
        while (performance.now() < until) { /* spin */ }
        child.kill('SIGKILL');
      }
      await exited;
      report.push(check(`kill ${k + 1} (${kill.trigger} + ${kill.delay.toFixed(1)} ms, at ${Date.now() - started} ms)`));
    }
    const last = await runAsync(['fix', '.'], project);
    assert.strictEqual(last.code, 0, last.err);
    report.push(check('run after the kills'));
    for (const f of files) assert.strictEqual(fs.readFileSync(f.file, 'utf8'), fixed(f.svc, f.name));
    for (let i = 0; i < 100; i++) {
      const dir = path.join(project, `svc${i}`);
      assert.deepStrictEqual(fs.readFileSync(path.join(dir, '.env'), 'utf8').split('\n').filter(Boolean).sort(), Array.from({ length: 10 }, (_, j) => `TOKEN_${j}=tok-${i}-${j}-abcdefgh12345`));
      assert.deepStrictEqual(fs.readdirSync(dir).filter((n) => !/^compose-\d\.yaml$/.test(n)).sort(), ['.env', '.gitignore'], 'no temporary file, no lock left');
    }
    assert.deepStrictEqual(fs.readdirSync(project).filter((n) => !n.startsWith('svc')), [], 'the lock is gone');
    console.log(`      ${report.join('\n      ')}`);
  });
});
