import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== '.git') walk(p); } else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const DB_COMPOSE = 'services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n';

describe('seaworthy fix (CLI)', function () {
  this.timeout(60000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fix-'));
    fs.cpSync(path.join(root, 'examples'), path.join(tmp, 'examples'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--dry-run prints each change and a diff, masks secrets, and writes nothing', () => {
    const before = snapshot(tmp);
    const dry = run(['fix', 'examples', '--dry-run'], tmp);
    assert.strictEqual(dry.code, 1, dry.err);
    assert.match(dry.out, /^would fix examples\/shop\/compose\.yaml: database-without-volume: Mount a named volume "db-data"/m);
    assert.match(dry.out, /^--- a\/examples\/shop\/compose\.yaml$/m);
    assert.match(dry.out, /dry run: nothing written/);
    assert.deepStrictEqual(snapshot(tmp), before, 'a dry run writes nothing');
    assert.ok(!dry.out.includes('shop-secret-2024'), 'secret values are never printed');

  });

  it('--dry-run prints exactly the diff that fix then writes', () => {
    const dir = path.join(tmp, 'proj');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'compose.yaml'), DB_COMPOSE + '  cache:\n    image: redis:7.2\n    privileged: true\n    command: ["redis-server", "--appendonly", "yes"]\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20.11-alpine\nVOLUME /data\nUSER node\nCMD ["node", "server.js"]');
    const dry = run(['fix', 'proj', '--dry-run', '--unsafe'], tmp);
    const patch = dry.out.slice(dry.out.indexOf('--- a/'), dry.out.search(/^\d+ fix/m));
    assert.match(patch, /^\+\s+- cache-data:\/data$/m, dry.out);
    fs.writeFileSync(path.join(tmp, 'p.diff'), patch);
    execFileSync('git', ['apply', 'p.diff'], { cwd: tmp, stdio: 'pipe' });
    fs.rmSync(path.join(tmp, 'p.diff'));
    const viaPatch = snapshot(dir);
    fs.writeFileSync(path.join(dir, 'compose.yaml'), DB_COMPOSE + '  cache:\n    image: redis:7.2\n    privileged: true\n    command: ["redis-server", "--appendonly", "yes"]\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20.11-alpine\nVOLUME /data\nUSER node\nCMD ["node", "server.js"]');
    const real = run(['fix', 'proj', '--unsafe'], tmp);
    assert.match(real.out, /^fixed proj\/compose\.yaml: privileged-container: Remove `privileged: true` \(unsafe\)$/m, real.out);
    assert.deepStrictEqual(snapshot(dir), viaPatch, 'the dry-run diff is exactly what fix writes');
  });

  it('changes nothing the second time, also with --unsafe', () => {
    const first = run(['fix', 'examples', '--unsafe'], tmp);
    assert.match(first.out, /\(unsafe\)/);
    const after = snapshot(tmp);
    const second = run(['fix', 'examples', '--unsafe'], tmp);
    assert.match(second.out, /^No fixes to apply\.$/m);
    assert.deepStrictEqual(snapshot(tmp), after);
    assert.doesNotMatch(first.out + second.out, /YAML syntax error|did not settle/);
  });

  it('judges the exit code on what remains, with --fail-on', () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, DB_COMPOSE);
    const r = run(['fix', 'compose.yaml'], tmp);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(fs.readFileSync(file, 'utf8'), /volumes:\n\s+- db-data:\/var\/lib\/postgresql\/data/);
    fs.writeFileSync(file, DB_COMPOSE.replace('postgres:16.2', 'postgres'));
    assert.strictEqual(run(['fix', 'compose.yaml'], tmp).code, 0, 'an unpinned image is only a warning');
    fs.writeFileSync(file, DB_COMPOSE.replace('postgres:16.2', 'postgres'));
    assert.strictEqual(run(['fix', 'compose.yaml', '--fail-on', 'warning'], tmp).code, 1);
  });

  it('reports usage errors with exit 2', () => {
    for (const args of [['fix'], ['fix', '--frobnicate', 'x'], ['fix', '--fail-on', 'fatal', 'x'], ['fix', 'no/such/file']]) {
      const r = run(args, tmp);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.err, /seaworthy: /);
    }
  });

  it('check reports unused suppressions as info findings with the usual JSON shape', () => {
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM node:20.11-alpine\n# seaworthy-ignore hardcoded-secret -- not needed any more\nCMD ["node", "server.js"]\n');
    const r = run(['check', 'Dockerfile', '--format', 'json'], tmp);
    const data = JSON.parse(r.out) as { findings: Record<string, unknown>[] };
    const f = data.findings.find((x) => x.ruleId === 'unused-suppression');
    assert.ok(f, r.out);
    assert.deepStrictEqual([f!.line, f!.column, f!.severity], [2, 1, 'info']);
    assert.deepStrictEqual(Object.keys(f!).sort(), ['category', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'severity']);
    assert.strictEqual(r.code, 0, 'info does not fail the run');
  });

  it('judges what remains with references resolved across the files, as check does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fix-refs-'));
    try {
      const deployment = (ref: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: own\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${ref}-app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27.0\n          envFrom:\n            - configMapRef:\n                name: ${ref}\n`;
      fs.writeFileSync(path.join(dir, 'app.yaml'), deployment('shared'));
      fs.writeFileSync(path.join(dir, 'typo.yaml'), deployment('shraed'));
      fs.writeFileSync(path.join(dir, 'shared.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
      const r = run(['fix', '--dry-run', '.'], dir);
      const dangling = r.out.split('\n').filter((l) => l.includes('dangling-config-reference'));
      assert.strictEqual(dangling.length, 1, r.out + r.err);
      assert.match(dangling[0], /reads ConfigMap "shraed", which no manifest/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
