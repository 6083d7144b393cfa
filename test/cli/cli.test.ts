import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function json(args: string[], cwd = root) {
  const r = run([...args, '--format', 'json'], cwd);
  return { ...r, data: JSON.parse(r.out) as { findings: Record<string, unknown>[]; problems: Record<string, unknown>[]; filesScanned: number } };
}

describe('seaworthy check (CLI)', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-cli-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the example project\'s hazards and fails on errors', () => {
    const r = json(['check', 'examples']);
    assert.strictEqual(r.code, 1, r.err);
    assert.strictEqual(r.data.filesScanned, 5);
    const f = r.data.findings[0];
    assert.deepStrictEqual(Object.keys(f).sort(), ['category', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'severity']);
    const files = new Set(r.data.findings.map((x) => x.file));
    for (const want of ['examples/shop/app/Dockerfile', 'examples/shop/compose.yaml', 'examples/shop/k8s/api.yaml']) assert.ok(files.has(want), `no findings for ${want}`);
    const secret = r.data.findings.find((x) => x.ruleId === 'hardcoded-secret' && x.file === 'examples/shop/app/Dockerfile' && x.line === 12);
    assert.ok(secret, 'DB_PASSWORD on line 12 of the Dockerfile');
    assert.deepStrictEqual([secret!.column, secret!.endLine, secret!.endColumn, secret!.severity, secret!.category], [17, 12, 33, 'error', 'secrets']);
    assert.ok(!r.out.includes('shop-secret-2024'), 'secret values must never be printed');
  });

  it('prints stylish text grouped by file with a summary', () => {
    const r = run(['check', 'examples/shop/app']);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /^examples\/shop\/app\/Dockerfile$/m);
    assert.match(r.out, /^ {2}12:17\s+error\s+ENV DB_PASSWORD holds/m);
    assert.match(r.out, /✖ \d+ problems? \(\d+ errors?, \d+ warnings?, \d+ info\) in 1 file/);
  });

  it('exits 0 when nothing reaches --fail-on and 1 when something does', () => {
    const file = path.join(tmp, 'Dockerfile');
    fs.writeFileSync(file, 'FROM node:20.11-alpine\nCMD ["node", "server.js"]\n');
    const clean = run(['check', file, '--fail-on', 'error']);
    assert.strictEqual(clean.code, 0, clean.out + clean.err);
    fs.writeFileSync(file, 'FROM node:20.11-alpine\nENV API_TOKEN=abc123def456\n');
    assert.strictEqual(run(['check', file]).code, 1);
  });

  it('prints the version of package.json with --version and -v, and says so in its usage text', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    assert.match(version, /^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v']) {
      const r = run([flag], tmp);   // from another folder: the bundle knows its version, no package.json lookup
      assert.deepStrictEqual([r.code, r.out, r.err], [0, `${version}\n`, ''], flag);
    }
    assert.match(run(['--help']).out, /seaworthy -v \| --version/);
  });

  it('reports usage errors with exit 2 and a message, no stack trace', () => {
    for (const args of [['check'], ['check', '--format', 'xml', 'examples'], ['check', '--fail-on', 'fatal', 'examples'], ['frobnicate'], ['check', 'no/such/dir']]) {
      const r = run(args);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, /seaworthy: /);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });

  it('reads bad input without crashing: invalid YAML, binary, empty, CRLF+BOM, huge, Helm template', () => {
    const bad = path.join(tmp, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'compose.yaml'), 'services:\n  api:\n    image: [unclosed\n    ports: {\n');
    fs.writeFileSync(path.join(bad, 'Dockerfile'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 255, 254]));
    fs.writeFileSync(path.join(bad, 'empty.dockerfile'), '');
    fs.writeFileSync(path.join(bad, 'crlf.dockerfile'), '\uFEFFFROM node:20.11-alpine\r\nENV DB_PASSWORD=hunter2\r\n');
    fs.mkdirSync(path.join(bad, 'chart', 'templates'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'chart', 'templates', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- with .Values.x }}\n  template: {{ toYaml . | nindent 4 }}\n  {{- end }}\n  {{ if .Values.y }}: broken\n');
    const big = path.join(bad, 'big.dockerfile');
    const line = 'RUN echo "a fairly long line of shell that does nothing at all, repeated many times"\n';
    fs.writeFileSync(big, 'FROM node:20.11-alpine\n' + line.repeat(Math.ceil((5 * 1048576) / line.length)));
    const r = json(['check', bad]);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    const problems = r.data.problems.map((p) => `${path.basename(String(p.file))}:${p.severity}:${String(p.message).split(':')[0]}`).sort();
    assert.ok(problems.includes('Dockerfile:warning:File skipped'), problems.join());
    assert.ok(problems.some((p) => p.startsWith('compose.yaml:error:YAML syntax error')), problems.join());
    assert.ok(!problems.some((p) => p.startsWith('deploy.yaml')), 'Helm templates that do not parse stay quiet');
    const crlf = r.data.findings.filter((f) => String(f.file).endsWith('crlf.dockerfile') && f.ruleId === 'hardcoded-secret');
    assert.deepStrictEqual(crlf.map((f) => [f.ruleId, f.line, f.column]), [['hardcoded-secret', 2, 17]]);
    assert.strictEqual(r.code, 1, 'the YAML syntax error is an error');
  });

  it('resolves Kubernetes references across the scanned manifests, as the report does', () => {
    const dir = path.join(tmp, 'refs');
    fs.mkdirSync(dir, { recursive: true });
    const deployment = (configMap: string) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: one', 'data:', '  x: "1"', '---',
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  selector:', '    matchLabels: {app: web}', '  template:',
      '    metadata:', '      labels: {app: web}', '    spec:', '      containers:', '        - name: web', '          image: nginx:1.27.0',
      '          envFrom:', '            - configMapRef:', `                name: ${configMap}`, ''].join('\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment('two'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\ndata:\n  y: "2"\n');
    const dangling = (args: string[]) => json(['check', ...args]).data.findings.filter((f) => f.ruleId === 'dangling-config-reference').map((f) => `${path.basename(String(f.file))}:${f.line}`);
    assert.deepStrictEqual(dangling([dir]), [], 'ConfigMap "two" is defined in config.yaml');
    assert.deepStrictEqual(dangling([path.join(dir, 'app.yaml')]), ['app.yaml:24'], 'a lone file is checked against itself');
    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment('three'));
    assert.deepStrictEqual(dangling([dir]), ['app.yaml:24'], 'no scanned manifest defines "three"');
  });
});
