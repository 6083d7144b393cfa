import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mkfifo } from '../unit/helpers';

const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'seaworthy.js');
/** Each run must end by itself: a read of a FIFO used to wait forever, so the child gets a deadline. */
const DEADLINE_MS = 30000;

function run(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: DEADLINE_MS, killSignal: 'SIGKILL' });
  assert.strictEqual(r.signal, null, `seaworthy ${args.join(' ')} did not finish within ${DEADLINE_MS / 1000} s (killed)`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const COMPOSE = 'services:\n  web:\n    build: ./app\n    restart: unless-stopped\n    environment:\n      DB_PASSWORD: not-a-real-pass-7x\n';

/** Issue #20 item 3: FIFOs and device files under names Seaworthy reads. */
describe('seaworthy CLI: FIFOs and device files never hang a run', function () {
  if (process.platform === 'win32') return;
  this.timeout(4 * DEADLINE_MS);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-special-')));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a FIFO named Dockerfile in a Compose build folder: check, report and fix finish', () => {
    mkfifo(path.join(dir, 'app', 'Dockerfile'));
    const check = run(dir, 'check', '.', '--format', 'json');
    assert.ok(check.code === 0 || check.code === 1, check.err);
    const problems = (JSON.parse(check.out) as { problems: { file: string; message: string }[] }).problems;
    assert.deepStrictEqual(problems.map((p) => [p.file, p.message]), [[path.join('app', 'Dockerfile'), 'File skipped: it is a named pipe (FIFO), not a regular file.']]);
    const report = run(dir, 'report', '.', '--format', 'json');
    assert.strictEqual(report.code, 0, report.err);
    assert.ok((JSON.parse(report.out) as { problems: { message: string }[] }).problems.some((p) => /named pipe/.test(p.message)));
    assert.ok([0, 1].includes(run(dir, 'fix', '--dry-run', '.').code!));
    assert.ok([0, 1].includes(run(dir, 'fix', '.').code!));
    assert.ok(fs.statSync(path.join(dir, 'app', 'Dockerfile')).isFIFO(), 'the FIFO is left alone');
  });

  it('a FIFO named explicitly: check says what it is', () => {
    mkfifo(path.join(dir, 'app', 'Dockerfile'));
    const r = run(dir, 'check', path.join('app', 'Dockerfile'), '--format', 'json');
    assert.strictEqual(r.code, 1);
    const problems = (JSON.parse(r.out) as { problems: { message: string; severity: string }[] }).problems;
    assert.deepStrictEqual(problems.map((p) => [p.severity, p.message]), [['error', 'Could not read the file: it is a named pipe (FIFO), not a regular file.']]);
  });

  it('a FIFO .seaworthy.yaml is a configuration error', () => {
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM alpine:3.20\n');
    mkfifo(path.join(dir, '.seaworthy.yaml'));
    for (const cmd of ['check', 'fix', 'report']) {
      const r = run(dir, cmd, '.');
      assert.strictEqual(r.code, 2, `${cmd}: ${r.err}`);
      assert.match(r.err, /\.seaworthy\.yaml:1:1: Could not read the configuration: it is a named pipe \(FIFO\), not a regular file\./);
    }
  });

  it('FIFOs named .env, .gitignore and .dockerignore: check, report and fix --dry-run finish', () => {
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM alpine:3.20\nCOPY . /app\n');
    for (const f of ['.env', '.gitignore', path.join('app', '.dockerignore'), path.join('app', '.env')]) mkfifo(path.join(dir, f));
    assert.ok([0, 1].includes(run(dir, 'check', '.').code!));
    assert.strictEqual(run(dir, 'report', '.').code, 0);
    const fix = run(dir, 'fix', '--dry-run', '.');
    assert.ok([0, 1].includes(fix.code!), fix.err);
    assert.ok(!fix.out.includes('not-a-real-pass-7x'));
  });

  it('a Dockerfile linked to /dev/zero is refused, not read until memory runs out', function () {
    if (!fs.existsSync('/dev/zero')) this.skip();
    fs.symlinkSync('/dev/zero', path.join(dir, 'app', 'Dockerfile'));
    const direct = run(dir, 'check', path.join('app', 'Dockerfile'), '--format', 'json');
    const problems = (JSON.parse(direct.out) as { problems: { message: string }[] }).problems;
    assert.deepStrictEqual(problems.map((p) => p.message), ['Could not read the file: it is a character device, not a regular file.']);
    const viaCompose = run(dir, 'check', '.', '--format', 'json');
    assert.ok([0, 1].includes(viaCompose.code!), viaCompose.err);
    assert.ok((JSON.parse(viaCompose.out) as { problems: { message: string }[] }).problems.some((p) => /symbolic link/.test(p.message)));
    assert.strictEqual(run(dir, 'report', '.').code, 0);
  });
});
