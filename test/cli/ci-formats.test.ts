import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import Ajv from 'ajv';
import { escapeData, escapeProperty } from '../../server/src/cli/formats/github';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A repository (a `.git` folder marks its root) with a Dockerfile under a name CI formats must escape, and a Compose file. */
function makeRepo(tmp: string): string {
  const repo = fs.mkdtempSync(path.join(tmp, 'repo-'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.mkdirSync(path.join(repo, 'svc', 'api'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'svc', 'api', 'Dockerfile.a,b:c'), 'FROM node:20.11-alpine\nUSER node\nENV API_TOKEN=abc123def456ghi\nCMD ["node", "server.js"]\n');
  fs.writeFileSync(path.join(repo, 'svc', 'compose.yaml'), 'services:\n  web:\n    image: shop/web:1.2.3\n    restart: always\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n');
  return repo;
}

describe('seaworthy check: CI formats, SARIF paths, --output', function () {
  this.timeout(60000);
  let tmp: string, repo: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-ci-')); repo = makeRepo(tmp); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('escapes workflow-command data and properties as the Actions runner unescapes them', () => {
    assert.strictEqual(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
    assert.strictEqual(escapeProperty('a%b\nc:d,e'), 'a%25b%0Ac%3Ad%2Ce');
  });

  it('--format github prints one workflow command per finding, in the documented shape, paths from the repository root', () => {
    const json = JSON.parse(run(['check', 'svc', '--format', 'json'], repo).out) as { findings: { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string }[] };
    const r = run(['check', 'svc', '--format', 'github'], repo);
    assert.strictEqual(r.code, 1, r.err);
    const commands = r.out.split('\n').filter((l) => l.startsWith('::'));
    assert.strictEqual(commands.length, json.findings.length);
    // ::{error|warning|notice} key=value,...::message  (properties: file, line, endLine, col, endColumn, title)
    const shape = /^::(error|warning|notice) ((?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*(?:,(?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*)::([^\r\n]+)$/;
    for (const c of commands) assert.match(c, shape);
    const secret = commands.find((c) => c.includes('title=Seaworthy hardcoded-secret'))!;
    assert.ok(secret.startsWith('::error file=svc/api/Dockerfile.a%2Cb%3Ac,line=3,endLine=3,col=15,endColumn=30,title=Seaworthy hardcoded-secret::'), secret);
    assert.ok(!r.out.includes('abc123def456ghi'));
    const socket = commands.find((c) => c.includes('host-socket-mount'))!;
    assert.match(socket, /^::error file=svc\/compose.yaml,line=6,endLine=6,col=9,endColumn=29,/);
    const info = json.findings.filter((f) => f.severity === 'info').length;
    assert.strictEqual(commands.filter((c) => c.startsWith('::notice ')).length, info, 'info findings are notices');
  });

  it('--format gitlab prints a Code Quality report in the documented shape, with unique stable fingerprints', () => {
    const schema = {
      type: 'array',
      items: {
        type: 'object',
        required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
        properties: {
          description: { type: 'string', minLength: 1 },
          check_name: { type: 'string', minLength: 1 },
          fingerprint: { type: 'string', minLength: 1 },
          severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
          location: {
            type: 'object', required: ['path', 'lines'],
            properties: { path: { type: 'string', pattern: '^[^/.]' }, lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 } } } },
          },
        },
      },
    };
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const first = run(['check', 'svc', '--format', 'gitlab'], repo);
    const issues = JSON.parse(first.out) as { fingerprint: string; check_name: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    assert.ok(validate(issues), JSON.stringify(validate.errors));
    assert.strictEqual(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'fingerprints are unique');
    const secret = issues.find((i) => i.check_name === 'hardcoded-secret')!;
    assert.deepStrictEqual([secret.location.path, secret.location.lines.begin, secret.severity], ['svc/api/Dockerfile.a,b:c', 3, 'major']);
    assert.deepStrictEqual(JSON.parse(run(['check', 'svc', '--format', 'gitlab'], repo).out), issues, 'the same report on the same files');
  });

  it('--format junit and checkstyle list every finding; junit fails the cases that reach --fail-on', () => {
    const json = JSON.parse(run(['check', 'svc', '--format', 'json'], repo).out) as { findings: { severity: string }[] };
    const junit = run(['check', 'svc', '--format', 'junit', '--fail-on', 'warning'], repo).out;
    const atLeastWarning = json.findings.filter((f) => f.severity !== 'info').length;
    assert.match(junit, new RegExp(`^<testsuites name="seaworthy" tests="${json.findings.length}" failures="${atLeastWarning}" errors="0">$`, 'm'));
    assert.strictEqual((junit.match(/<failure /g) ?? []).length, atLeastWarning);
    assert.match(junit, /<testsuite name="svc\/api\/Dockerfile.a,b:c" /);
    const cs = run(['check', 'svc', '--format', 'checkstyle'], repo).out;
    assert.match(cs, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<checkstyle version="4.3">/);
    assert.strictEqual((cs.match(/<error /g) ?? []).length, json.findings.length);
    assert.match(cs, /<error line="3" column="15" severity="error" message="[^"]+" source="seaworthy.hardcoded-secret"\/>/);
  });

  it('--output FILE writes every format to the file (stdout stays empty) with the same exit code', () => {
    for (const format of ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle']) {
      const printed = run(['check', 'svc', '--format', format], repo);
      const file = path.join(tmp, 'out', `report.${format}`);
      const written = run(['check', 'svc', '--format', format, '--output', file], repo);
      assert.strictEqual(written.code, printed.code, format);
      assert.strictEqual(written.out, '', format);
      assert.match(written.err, new RegExp(`${format} written to `));
      assert.strictEqual(fs.readFileSync(file, 'utf8'), printed.out, format);
    }
  });

  it('SARIF: the JSON output\'s paths, from the repository root, under %SRCROOT%; stable fingerprints; rule help links', () => {
    type Sarif = { runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[] }[]; tool: { driver: { rules: { id: string; helpUri: string }[] } } }[] };
    const sarifOf = (cwd: string, target: string) => JSON.parse(run(['check', target, '--format', 'sarif'], cwd).out) as Sarif;
    const json = JSON.parse(run(['check', 'svc', '--format', 'json'], repo).out) as { findings: { file: string }[] };
    const log = sarifOf(repo, 'svc');
    const run0 = log.runs[0];
    assert.deepStrictEqual(run0.originalUriBaseIds, { '%SRCROOT%': { uri: pathToFileURL(repo).href + '/' } });
    const uris = run0.results.map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri));
    assert.deepStrictEqual([...new Set(uris)].sort(), [...new Set(json.findings.map((f) => f.file))].sort());
    assert.ok(run0.results.every((r) => r.locations[0].physicalLocation.artifactLocation.uriBaseId === '%SRCROOT%'));
    // From a subfolder, with the path given differently, the paths are still the repository's.
    const fromSub = sarifOf(path.join(repo, 'svc', 'api'), '.');
    assert.deepStrictEqual([...new Set(fromSub.runs[0].results.map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri)))], ['svc/api/Dockerfile.a,b:c']);
    // `report --format sarif` from the subfolder: the same repository paths.
    const report = JSON.parse(run(['report', '.', '--format', 'sarif'], path.join(repo, 'svc')).out) as Sarif;
    assert.deepStrictEqual([...new Set(report.runs[0].results.map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri)))].sort(), ['svc/api/Dockerfile.a,b:c', 'svc/compose.yaml']);
    for (const rule of run0.tool.driver.rules) assert.match(rule.helpUri, new RegExp(`^https://github\\.com/seaworthy-dev/seaworthy/blob/main/docs/rules/${rule.id}\\.md$`));
    // Lines inserted above every finding: same fingerprints, other lines.
    const fingerprints = (l: Sarif) => l.runs[0].results.map((r) => `${r.ruleId} ${JSON.stringify(r.partialFingerprints)}`).sort();
    const before = fingerprints(log);
    const compose = path.join(repo, 'svc', 'compose.yaml');
    const text = fs.readFileSync(compose, 'utf8');
    fs.writeFileSync(compose, `# the shop's services\n# (edited)\n${text}`);
    try {
      const after = sarifOf(repo, 'svc');
      assert.deepStrictEqual(fingerprints(after), before);
      const line = (l: Sarif) => l.runs[0].results.find((r) => r.ruleId === 'host-socket-mount')!.locations[0].physicalLocation.region.startLine;
      assert.strictEqual(line(after), line(log) + 2);
    } finally { fs.writeFileSync(compose, text); }
  });
});

describe('seaworthy: honest exit codes for empty scans', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-empty-')); fs.writeFileSync(path.join(tmp, 'README.md'), '# nothing to see\n'); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('check and fix on a folder without container files warn and exit 2, or 0 with --allow-empty', () => {
    for (const command of ['check', 'fix']) {
      const r = run([command, '.'], tmp);
      assert.strictEqual(r.code, 2, `${command}: ${r.out}${r.err}`);
      assert.match(r.err, /warning: no Dockerfile, Compose file or Kubernetes manifest found in \. .*--allow-empty/);
      const allowed = run([command, '.', '--allow-empty'], tmp);
      assert.strictEqual(allowed.code, 0, allowed.err);
      assert.match(allowed.err, /warning: no Dockerfile/);
    }
  });

  it('check on a mistyped path exits 2, also beside paths that exist', () => {
    const r = run(['check', 'Dockerfle'], tmp);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /Dockerfle: no such file or directory/);
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n');
    try {
      assert.strictEqual(run(['check', 'Dockerfile'], tmp).code, 0);
      const both = run(['check', 'Dockerfile', 'compose.yml'], tmp);
      assert.strictEqual(both.code, 2, 'the typo is not hidden by the file that exists');
      assert.match(both.out, /in 1 file/);
    } finally { fs.rmSync(path.join(tmp, 'Dockerfile')); }
  });

  it('report on an empty folder exits 2, and with --allow-empty scores 0, not 100', () => {
    const r = run(['report', '.', '--format', 'json'], tmp);
    assert.strictEqual(r.code, 2, r.err);
    const allowed = run(['report', '.', '--format', 'json', '--allow-empty'], tmp);
    assert.strictEqual(allowed.code, 0, allowed.err);
    const report = JSON.parse(allowed.out) as { score: number; status: string; totals: { files: number } };
    assert.deepStrictEqual([report.score, report.status, report.totals.files], [0, 'fail', 0]);
    assert.match(run(['report', '.', '--allow-empty'], tmp).out, /No Dockerfile, Compose file or Kubernetes manifest was found/);
  });
});
