import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fingerprintOf } from '../../server/src/engine/baseline';
import { SourceText } from '../../server/src/model/range';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
type Finding = { file: string; line: number; ruleId: string };
const findingsOf = (args: string[], cwd: string) => {
  const r = run([...args, '--format', 'json'], cwd);
  return { ...r, findings: (JSON.parse(r.out) as { findings: Finding[] }).findings };
};

const DOCKERFILE = [
  'FROM node:20.11-alpine',
  'USER node',
  'ENV API_TOKEN=abc123def456ghi',
  'CMD ["node", "server.js"]',
  '',
].join('\n');
const COMPOSE = [
  'services:',
  '  web:',
  '    image: shop/web:1.2.3',
  '    restart: always',
  '    volumes:',
  '      - /var/run/docker.sock:/var/run/docker.sock',
  '  worker:',
  '    image: shop/worker:1.2.3',
  '    restart: always',
  '',
].join('\n');

describe('seaworthy check --baseline / --write-baseline', function () {
  this.timeout(60000);
  let tmp: string, project: string, baseline: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-baseline-'));
    project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'app'), { recursive: true });
    fs.writeFileSync(path.join(project, 'app', 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(project, 'compose.yaml'), COMPOSE);
    baseline = path.join(project, '.seaworthy-baseline.json');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const edit = (file: string, f: (text: string) => string) => fs.writeFileSync(path.join(project, file), f(fs.readFileSync(path.join(project, file), 'utf8')));

  it('records today\'s findings (no secret value, paths relative to the baseline) and then reports none of them', () => {
    const all = findingsOf(['check', '.'], project);
    assert.ok(all.findings.length >= 4, all.out);
    const w = run(['check', '.', '--write-baseline', baseline], project);
    assert.strictEqual(w.code, 0, w.err);
    assert.match(w.err, new RegExp(`records ${all.findings.length} findings in 2 files`));
    const text = fs.readFileSync(baseline, 'utf8');
    assert.ok(!text.includes('abc123def456ghi'), 'no secret value in the baseline');
    const data = JSON.parse(text) as { tool: string; format: number; findings: { file: string; ruleId: string; count: number }[] };
    assert.deepStrictEqual([...new Set(data.findings.map((f) => f.file))].sort(), ['app/Dockerfile', 'compose.yaml']);
    assert.strictEqual(data.findings.reduce((n, f) => n + f.count, 0), all.findings.length);
    const checked = findingsOf(['check', '.', '--baseline', baseline], project);
    assert.deepStrictEqual(checked.findings, []);
    assert.strictEqual(checked.code, 0, 'the baselined secret no longer fails the run');
    assert.match(checked.err, new RegExp(`${all.findings.length} findings in the baseline .* not shown`));
    // From another folder, with other spellings of the paths: the same files, the same baseline entries.
    assert.deepStrictEqual(findingsOf(['check', path.join(project, 'app'), path.join(project, 'compose.yaml'), '--baseline', baseline], tmp).findings, []);
    assert.strictEqual(fs.readFileSync(baseline, 'utf8'), text);
    run(['check', '.', '--write-baseline', baseline], project);
    assert.strictEqual(fs.readFileSync(baseline, 'utf8'), text, 'rewriting an unchanged project gives the same file');
  });

  it('still matches after lines move and unrelated edits around the findings (re-indentation too)', () => {
    run(['check', '.', '--write-baseline', baseline], project);
    edit('app/Dockerfile', (t) => `# syntax=docker/dockerfile:1\n# the API image\n${t.replace('USER node\n', 'USER node\nWORKDIR /srv\nCOPY . .\n').replace('ENV API_TOKEN=abc123def456ghi', 'ENV  API_TOKEN=abc123def456ghi')}`);
    // The worker moves above web, web gets a new key between its lines, comments everywhere.
    edit('compose.yaml', () => [
      '# shop',
      'services:',
      '  worker:',
      '    image: shop/worker:1.2.3',
      '    restart: always',
      '  web:',
      '    image: shop/web:1.2.3',
      '    restart: always',
      '    environment:',
      '      LOG_LEVEL: info',
      '    volumes:',
      '      # needed by the deploy hook',
      '      - /var/run/docker.sock:/var/run/docker.sock',
      '',
    ].join('\n'));
    const moved = findingsOf(['check', '.'], project).findings;
    const socket = moved.find((f) => f.ruleId === 'host-socket-mount')!;
    assert.strictEqual(socket.line, 13, 'the socket mount moved from line 6 to 13');
    assert.deepStrictEqual(findingsOf(['check', '.', '--baseline', baseline], project).findings, []);
  });

  it('reports a new finding, and a second copy of a baselined line, but not the baselined ones', () => {
    run(['check', '.', '--write-baseline', baseline], project);
    edit('app/Dockerfile', (t) => t.replace('CMD', 'ENV DB_PASSWORD=zz9plural9alpha\nCMD'));
    edit('compose.yaml', (t) => t.replace('  worker:', '      - /var/run/docker.sock:/var/run/docker.sock\n  worker:'));
    const r = findingsOf(['check', '.', '--baseline', baseline], project);
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort(), ['app/Dockerfile:4 hardcoded-secret', 'compose.yaml:7 host-socket-mount']);
  });

  it('drops fixed findings when rewritten, and a reintroduced one is new again', () => {
    run(['check', '.', '--write-baseline', baseline], project);
    const before = JSON.parse(fs.readFileSync(baseline, 'utf8')) as { findings: { ruleId: string }[] };
    assert.ok(before.findings.some((f) => f.ruleId === 'host-socket-mount'));
    edit('compose.yaml', (t) => t.replace('    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n', ''));
    run(['check', '.', '--write-baseline', baseline], project);
    const after = JSON.parse(fs.readFileSync(baseline, 'utf8')) as { findings: { ruleId: string }[] };
    assert.ok(!after.findings.some((f) => f.ruleId === 'host-socket-mount'), 'the fixed finding left the baseline');
    assert.strictEqual(after.findings.length, before.findings.length - 1);
    fs.writeFileSync(path.join(project, 'compose.yaml'), COMPOSE);
    assert.deepStrictEqual(findingsOf(['check', '.', '--baseline', baseline], project).findings.map((f) => f.ruleId), ['host-socket-mount']);
  });

  it('a missing or foreign baseline file is an error (exit 2), not an empty baseline', () => {
    const missing = run(['check', '.', '--baseline', path.join(tmp, 'nope.json')], project);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /cannot read baseline .*nope\.json: no such file/);
    fs.writeFileSync(path.join(tmp, 'other.json'), '{"version": 2, "runs": []}');
    const foreign = run(['check', '.', '--baseline', path.join(tmp, 'other.json')], project);
    assert.strictEqual(foreign.code, 2);
    assert.match(foreign.err, /is not a Seaworthy baseline/);
  });

  it('fingerprints ignore the secret value and the whitespace, and tell apart other text on the line', () => {
    const fp = (text: string, line: number, start: number, end: number, secret?: [number, number]) => {
      const src = new SourceText(text);
      const secrets = secret ? [{ start: { line, character: secret[0] }, end: { line, character: secret[1] } }] : [];
      return fingerprintOf({ ruleId: 'hardcoded-secret', message: 'm', range: { start: { line, character: start }, end: { line, character: end } } }, src, secrets);
    };
    const a = fp('FROM x\nENV A=secret1\n', 1, 6, 13, [6, 13]);
    assert.strictEqual(fp('# moved\nFROM x\n\nENV  A=rotated22\n', 3, 7, 16, [7, 16]), a, 'another value, other whitespace, another line');
    assert.notStrictEqual(fp('FROM x\nENV B=secret1\n', 1, 6, 13, [6, 13]), a, 'another variable is another finding');
  });
});
