import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/**
 * compose.yaml: a literal password (error), a latest-tag image and a Postgres without a healthcheck (warnings), the grace
 * period of a datastore (strict, info) and missing restart policies (info).
 */
const COMPOSE = 'services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD: "Xq7-pa55word-2024"\n    volumes:\n      - db:/var/lib/postgresql/data\n  web:\n    image: nginx:latest\nvolumes:\n  db: {}\n';

describe('what check shows: --rules, --quiet, --min-severity, the info line (CLI)', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-selection-'));
    fs.mkdirSync(path.join(tmp, '.git'));
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), COMPOSE);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const ids = (json: string) => (JSON.parse(json) as { findings: { ruleId: string; severity: string }[] }).findings.map((f) => `${f.ruleId}:${f.severity}`).sort();

  it('lists errors and warnings and sums up info findings in one line by default', () => {
    const r = run(['check', 'compose.yaml'], tmp);
    assert.strictEqual(r.code, 1, r.err);
    assert.match(r.out, /error\s+.*hardcoded-secret$/m);
    assert.match(r.out, /warning\s+.*unpinned-image$/m);
    assert.doesNotMatch(r.out, /^\s+\d+:\d+\s+info\s/m, 'no info row');
    const json = ids(run(['check', 'compose.yaml', '--format', 'json'], tmp).out);
    const infos = json.filter((x) => x.endsWith(':info')).length;
    assert.ok(infos > 0, json.join('\n'));
    assert.match(r.out, new RegExp(`^ℹ ${infos} info not listed \\(list them with --verbose or --min-severity info\\)$`, 'm'));
  });

  it('lists info rows with --verbose or --min-severity info', () => {
    for (const flag of [['--verbose'], ['--min-severity', 'info'], ['--min-severity=info']]) {
      const r = run(['check', 'compose.yaml', ...flag], tmp);
      assert.match(r.out, /^\s+\d+:\d+\s+info\s/m, flag.join(' '));
      assert.doesNotMatch(r.out, /not listed/);
    }
  });

  it('--quiet lists errors only, says nothing of the rest and judges the exit code on errors', () => {
    const r = run(['check', 'compose.yaml', '--quiet', '--fail-on', 'warning'], tmp);
    assert.match(r.out, /hardcoded-secret$/m);
    assert.doesNotMatch(r.out, /unpinned-image|not listed/);
    assert.match(r.out, /✖ 1 problem \(1 error, 0 warnings, 0 info\)/);
    assert.strictEqual(r.code, 1);
    const clean = path.join(tmp, 'only-warnings');
    fs.mkdirSync(clean, { recursive: true });
    fs.writeFileSync(path.join(clean, 'compose.yaml'), 'services:\n  web:\n    image: nginx:latest\n');
    assert.strictEqual(run(['check', 'compose.yaml', '--fail-on', 'warning'], clean).code, 1);
    assert.strictEqual(run(['check', 'compose.yaml', '-q', '--fail-on', 'warning'], clean).code, 0, 'warnings left out do not fail the run');
  });

  it('--min-severity leaves findings out of json too, and says what text did not list', () => {
    const json = ids(run(['check', 'compose.yaml', '--format', 'json', '--min-severity', 'warning'], tmp).out);
    assert.ok(json.length && json.every((x) => !x.endsWith(':info')), json.join('\n'));
    const text = run(['check', 'compose.yaml', '--min-severity', 'error'], tmp).out;
    assert.match(text, /^ℹ 2 warnings and \d+ info not listed \(below --min-severity error\)$/m);
  });

  it('--rules strict adds the strict rules; .seaworthy.yaml extends does too, and --rules recommended wins over it', () => {
    const strictRule = 'slow-shutdown-without-grace:info';
    assert.ok(!ids(run(['check', 'compose.yaml', '--format', 'json'], tmp).out).includes(strictRule));
    assert.ok(ids(run(['check', 'compose.yaml', '--format', 'json', '--rules', 'strict'], tmp).out).includes(strictRule));
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'compose.yaml'), COMPOSE);
    fs.writeFileSync(path.join(project, '.seaworthy.yaml'), 'extends: strict\n');
    assert.ok(ids(run(['check', 'compose.yaml', '--format', 'json'], project).out).includes(strictRule));
    assert.ok(!ids(run(['check', 'compose.yaml', '--format', 'json', '--rules', 'recommended'], project).out).includes(strictRule));
  });

  it('report and fix take --rules; a wrong value is a usage error', () => {
    const md = run(['report', 'compose.yaml', '--rules', 'strict'], tmp);
    assert.strictEqual(md.code, 0, md.err);
    assert.match(md.out, /rule set: strict/);
    assert.match(run(['report', 'compose.yaml'], tmp).out, /rule set: recommended/);
    const dry = run(['fix', 'compose.yaml', '--dry-run', '--unsafe', '--rules', 'strict', '--verbose'], tmp);
    assert.match(dry.out, /would fix compose\.yaml: slow-shutdown-without-grace:/);
    for (const args of [['check', 'compose.yaml', '--rules', 'all'], ['check', 'compose.yaml', '--min-severity', 'hint'], ['check', 'compose.yaml', '-q', '--min-severity', 'info']]) {
      const bad = run(args, tmp);
      assert.strictEqual(bad.code, 2, args.join(' '));
      assert.match(bad.err, /^seaworthy: (unknown rule set "all" for --rules|unknown severity "hint" for --min-severity|--quiet and --min-severity disagree)/);
    }
  });
});
