import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { applyEdits, planFix } from '../../server/src/engine/fix';
import { dockerfileLineBreakOf, lineBreakOf, yamlParserView } from '../../server/src/model/line-breaks';
import { SourceText } from '../../server/src/model/range';
import { parseCompose } from '../../server/src/parse/compose';
import { allRules } from '../../server/src/rules';
import { analyze } from './helpers';

/** Findings as `line:ruleId` (1-based editor lines: LF, CRLF and a lone CR each end a line). */
const at = (r: { findings: { ruleId: string; range: { start: { line: number } } }[] }, ...ids: string[]) =>
  r.findings.filter((f) => ids.includes(f.ruleId)).map((f) => `${f.range.start.line + 1}:${f.ruleId}`);

/** Only these rules on, so a fix run shows what they do and nothing else. */
function only(...ids: string[]): EngineConfig {
  const config = { ...defaultConfig(), ruleSet: 'strict' as const };
  for (const r of allRules) config.rules[r.id] = ids.includes(r.id) ? r.severity : 'off';
  return config;
}

const noGit = { refuseReason: () => undefined, ignored: () => false };

/** These cases were written with every rule on (the strict set). */
const STRICT = { ...defaultConfig(), ruleSet: 'strict' as const };

describe('line breaks agree between parsers, positions and edits (model/line-breaks)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-lines-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function fix(name: string, text: string, config: EngineConfig, unsafe = false): Promise<{ text: string; converged: boolean; applied: number }> {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    const session = new FixSession(noGit);
    const r = await session.fixFile(file, config, { unsafe });
    return { text: session.read(file)!, converged: r.converged, applied: r.applied.length };
  }

  it('gives the YAML parser go-yaml\'s line breaks at the same length, and inserted breaks follow the file', () => {
    const text = 'a: 1 # c\rb: 2\u0085c: 3\u2028d: 4\u2029e: 5\r\nf: 6\n';
    const view = yamlParserView(text);
    assert.strictEqual(view.length, text.length);
    assert.strictEqual(view, 'a: 1 # c\nb: 2\nc: 3\nd: 4\ne: 5\r\nf: 6\n');
    assert.deepStrictEqual(parseAllDocuments(view)[0].toJS(), { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 });
    assert.strictEqual(yamlParserView('a: 1\r\n'), 'a: 1\r\n', 'CRLF is left alone');
    assert.strictEqual(lineBreakOf('a\rb\rc\nd'), '\r');
    assert.strictEqual(lineBreakOf('a\r\nb\r\nc\nd'), '\r\n');
    assert.strictEqual(lineBreakOf('a\nb\r\nc\rd'), '\n', 'a tie is LF');
    assert.strictEqual(dockerfileLineBreakOf('FROM a\rRUN b\r'), '\n', 'BuildKit never breaks at a lone CR');
    assert.strictEqual(dockerfileLineBreakOf('FROM a\r\nRUN b\r\n'), '\r\n');
  });

  it('applies edits at the positions SourceText gives, lone CRs included', () => {
    const text = 'services:\r  web: # x\r(y)\n    image: a\n  db:\n    image: postgres:16\n';
    const src = new SourceText(text);
    const at4 = src.positionAt(text.indexOf('  db:'));
    assert.deepStrictEqual(at4, { line: 4, character: 0 });
    assert.strictEqual(applyEdits(text, [{ range: { start: at4, end: at4 }, newText: 'X' }]), text.replace('  db:', 'X  db:'));
    // An append to a CR-only file lands at its end, not after its first line.
    const env = path.join(tmp, '.env');
    fs.writeFileSync(env, 'A=1\rB=2\r');
    const [change] = planFix({ title: 't', safety: 'safe', edits: [], appends: [{ file: '.env', lines: ['C=3'] }] }, path.join(tmp, 'compose.yaml'), (p) => fs.readFileSync(p, 'utf8'));
    // ...and its new line ends the way the file's lines do.
    assert.strictEqual(applyEdits('A=1\rB=2\r', change.edits), 'A=1\rB=2\rC=3\r');
  });

  it('sees what Compose sees after a comment ended by a lone CR (privileged, docker.sock, pid, secrets)', async () => {
    const text = 'services:\n  app:\n    image: nginx:1.25 # front\r    privileged: true\n    pid: host # x\r    volumes:\n'
      + '      - /var/run/docker.sock:/var/run/docker.sock\n    # db\r    environment:\n      DB_PASSWORD: hunter2-secret-value\n';
    const r = await analyze(path.join(tmp, 'compose.yaml'), text, STRICT);
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(at(r, 'privileged-container', 'host-namespace', 'host-socket-mount', 'hardcoded-secret'),
      ['4:privileged-container', '5:host-namespace', '7:host-socket-mount', '10:hardcoded-secret']);
  });

  it('reads a CR-only Kubernetes manifest at the right lines', async () => {
    const text = 'apiVersion: v1\rkind: Pod\rmetadata:\r  name: p\rspec:\r  hostPID: true\r  containers:\r    - name: c\r      image: nginx:1.25\r      securityContext:\r        privileged: true\r';
    const r = await analyze(path.join(tmp, 'pod.yaml'), text, STRICT);
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(at(r, 'host-namespace', 'privileged-container'), ['6:host-namespace', '11:privileged-container']);
  });

  it('fix adds restart once per service, in place, to a CR-only Compose file', async () => {
    const text = 'services:\r  web:\r    image: nginx:1.25\r  db:\r    image: postgres:16\r';
    const r = await fix('compose.yaml', text, only('missing-restart-policy'));
    assert.ok(r.converged);
    assert.strictEqual(r.text, 'services:\r  web:\r    image: nginx:1.25\r    restart: unless-stopped\r  db:\r    image: postgres:16\r    restart: unless-stopped\r');
    assert.deepStrictEqual(parseCompose('compose.yaml', r.text).problems, []);
  });

  it('fix adds restart once, in place, when a lone CR ends a comment and the rest is LF', async () => {
    const text = 'services:\n  web: # team: web\r    # (legacy)\n    image: nginx:1.25\n  db:\n    image: postgres:16\n';
    const r = await fix('compose.yaml', text, only('missing-restart-policy'));
    assert.ok(r.converged);
    assert.strictEqual(r.text, 'services:\n  web: # team: web\r    # (legacy)\n    image: nginx:1.25\n    restart: unless-stopped\n  db:\n    image: postgres:16\n    restart: unless-stopped\n');
    const model = parseCompose('compose.yaml', r.text);
    assert.deepStrictEqual(model.problems, []);
    assert.deepStrictEqual(model.services.map((s) => s.raw.get('image')?.str()?.value), ['nginx:1.25', 'postgres:16']);
  });

  it('reports the issue\'s `web: # team: web\\r(legacy)` as Compose does, still analyses it, and leaves it to the user to fix', async () => {
    // go-yaml ends the comment at the CR: `(legacy)` starts a line of its own at column 0, which Compose rejects.
    const text = 'services:\n  web: # team: web\r(legacy)\n    image: nginx:1.25\n  db:\n    image: postgres:16\n    environment:\n      DB_PASSWORD: hunter2-secret-value\n';
    const r = await analyze(path.join(tmp, 'compose.yaml'), text, STRICT);
    assert.ok(r.problems.length > 0 && r.problems.every((p) => /^YAML syntax error: .*Compose and kubectl end the line at a lone CR/.test(p.message) && p.range.start.line >= 2), JSON.stringify(r.problems));
    assert.deepStrictEqual(at(r, 'hardcoded-secret'), ['8:hardcoded-secret'], 'the secret is not lost with the syntax error');
    const fixed = await fix('compose.yaml', text, only('missing-restart-policy'));
    assert.ok(fixed.converged);
    // Positions on the reading as written can fall inside what Compose reads as another line: no fix.
    assert.strictEqual(fixed.text, text);
  });

  it('reads services after a LINE SEPARATOR as Compose does, and fixes no line the editor and go-yaml split differently', async () => {
    const text = 'services:\n  etl:\n    image: etl:1.0\u2028  db:\n    image: mariadb:10.9\n';
    const r = await analyze(path.join(tmp, 'compose.yaml'), text, STRICT);
    assert.deepStrictEqual(r.findings.filter((f) => f.ruleId === 'missing-restart-policy').map((f) => f.message.match(/"(\w+)"/)?.[1]), ['etl', 'db']);
    const fixed = await fix('compose.yaml', text, only('missing-restart-policy'));
    assert.ok(fixed.converged);
    // "etl" ends on the line that holds the separator: its edit would land after `db:`, so it is not offered.
    assert.strictEqual(fixed.text, text + '    restart: unless-stopped\n');
  });

  it('finds the same in a Dockerfile whether its lines end in LF or a lone CR (continuations and comments included)', async () => {
    const lf = 'FROM python:3.12\nRUN apt-get update \\\n# the compiler for wheels\n  && apt-get install -y gcc \\\n  && pip install flask\nENV DB_PASSWORD=hunter2-secret-value\nEXPOSE 8000\nCMD python app.py\n';
    const shape = (r: { findings: { ruleId: string; range: unknown }[] }) => r.findings.map((f) => `${f.ruleId} ${JSON.stringify(f.range)}`);
    const expected = shape(await analyze(path.join(tmp, 'Dockerfile'), lf, STRICT));
    assert.ok(expected.some((f) => f.startsWith('hardcoded-secret')) && expected.some((f) => f.startsWith('unpinned-package')), expected.join('\n'));
    const cr = await analyze(path.join(tmp, 'Dockerfile'), lf.replace(/\n/g, '\r'), STRICT);
    assert.deepStrictEqual(shape(cr), expected);
  });

  it('analyses a CR-only Dockerfile as the editor shows it and says Docker reads it as one line', async () => {
    const text = 'FROM nginx:1.25\rEXPOSE 80\rENV DB_PASSWORD=hunter2-secret-value\rCMD ["nginx"]\r';
    const r = await analyze(path.join(tmp, 'Dockerfile'), text, STRICT);
    assert.deepStrictEqual(at(r, 'hardcoded-secret'), ['3:hardcoded-secret']);
    assert.deepStrictEqual(r.problems.map((p) => [p.severity, p.range.start.line]), [['warning', 0]]);
    assert.match(r.problems[0].message, /lone CR .*`docker build` reads line 1 and the line after it as one line.* 4 of them/);
    // The HEALTHCHECK goes before CMD with an LF, which BuildKit reads as a line break.
    const health = r.findings.find((f) => f.ruleId === 'missing-healthcheck')!.fix!()[0];
    const after = applyEdits(text, health.edits);
    assert.strictEqual(after, text.replace('CMD', 'HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://localhost:80/ || exit 1\nCMD'));
  });
});
