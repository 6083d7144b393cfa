import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser, JSONInstruction, Run } from 'dockerfile-ast';
import { defaultConfig } from '../../server/src/engine/config';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { analyze } from './helpers';

const SECRET = 'ENV DB_PASSWORD=hunter2-secret-value';
const ids = (r: { findings: { ruleId: string; range: { start: { line: number } } }[] }, id: string) =>
  r.findings.filter((f) => f.ruleId === id).map((f) => f.range.start.line + 1);

describe('Dockerfile parser guards (parse/dockerfile-guard)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-dfguard-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads `RUN \\` + lone CR + comment, which makes dockerfile-ast throw, and still reports the secret', async () => {
    const text = `FROM alpine:3.19\n${SECRET}\nRUN \\\r#x\n`;
    assert.throws(() => { for (const i of DockerfileParser.parse(text).getInstructions()) if (i instanceof Run) i.getHeredocs(); }, /getRange/, 'the upstream bug this guards against');
    const r = await analyze(path.join(tmp, 'Dockerfile'), text);
    assert.deepStrictEqual(ids(r, 'hardcoded-secret'), [2]);
    assert.ok(!r.problems.some((p) => /could not/i.test(p.message)), JSON.stringify(r.problems));
    assert.deepStrictEqual(parseDockerfile('Dockerfile', text).instructions.map((i) => i.keyword), ['FROM', 'ENV', 'RUN']);
  });

  it('reads a continued RUN whose comment line holds the escape character (another getHeredocs throw)', async () => {
    const text = `FROM alpine:3.19\n${SECRET}\nRUN \\\n# \\AL\n`;
    assert.throws(() => { for (const i of DockerfileParser.parse(text).getInstructions()) if (i instanceof Run) i.getHeredocs(); }, /getRange/);
    const r = await analyze(path.join(tmp, 'Dockerfile'), text);
    assert.deepStrictEqual(ids(r, 'hardcoded-secret'), [2]);
    assert.deepStrictEqual(r.problems, []);
  });

  it('keeps a RUN whose heredocs the parser throws on, and says the heredocs could not be read', async () => {
    const original = Run.prototype.getHeredocs;
    Run.prototype.getHeredocs = function () { throw new TypeError('boom'); };
    try {
      const r = await analyze(path.join(tmp, 'Dockerfile'), `FROM alpine:3.19\nRUN cat <<EOF\nhi\nEOF\n${SECRET}\n`);
      assert.deepStrictEqual(ids(r, 'hardcoded-secret'), [5]);
      assert.deepStrictEqual(r.problems.map((p) => [p.range.start.line, p.severity]), [[1, 'error']]);
      assert.match(r.problems[0].message, /^Line 2: the heredocs of this RUN could not be read \(dockerfile-ast: boom\); the rest of the instruction is analysed/);
      assert.deepStrictEqual(parseDockerfile('Dockerfile', `FROM alpine:3.19\nRUN cat <<EOF\nhi\nEOF\n`).instructions.map((i) => i.keyword), ['FROM', 'RUN']);
    } finally {
      Run.prototype.getHeredocs = original;
    }
  });

  it('leaves out an instruction the parser throws on, says so, and analyses the rest', async () => {
    const original = JSONInstruction.prototype.getJSONStrings;
    JSONInstruction.prototype.getJSONStrings = function () { throw new TypeError('boom'); };
    try {
      const r = await analyze(path.join(tmp, 'Dockerfile'), `FROM alpine:3.19\nRUN ["echo", "hi"]\n${SECRET}\n`);
      assert.deepStrictEqual(ids(r, 'hardcoded-secret'), [3]);
      assert.deepStrictEqual(r.problems.map((p) => [p.range.start.line, p.severity]), [[1, 'error']]);
      assert.match(r.problems[0].message, /^Line 2: the RUN instruction could not be read \(dockerfile-ast: boom\) and is left out of the analysis/);
    } finally {
      JSONInstruction.prototype.getJSONStrings = original;
    }
  });

  it('reads instruction by instruction when the parser throws on the whole file', async () => {
    const parse = DockerfileParser.parse;
    // Throws on any text holding the marker: the whole file, then only the instruction with it.
    DockerfileParser.parse = (t: string) => { if (t.includes('BOOM')) throw new RangeError('boom'); return parse(t); };
    try {
      const text = `# escape=\`\nFROM alpine:3.19\nRUN echo BOOM \`\n  && true\n${SECRET}\nUSER app\n`;
      const r = await analyze(path.join(tmp, 'Dockerfile'), text);
      assert.deepStrictEqual(ids(r, 'hardcoded-secret'), [5]);
      assert.deepStrictEqual(r.problems.map((p) => p.range.start.line), [2]);
      assert.match(r.problems[0].message, /read instruction by instruction: the instruction at line 3 could not be read and is left out/);
      const model = parseDockerfile('Dockerfile', text);
      assert.deepStrictEqual(model.instructions.map((i) => `${i.range.start.line + 1}:${i.keyword}`), ['2:FROM', '5:ENV', '6:USER']);
      assert.strictEqual(model.escapeChar, '`');
    } finally {
      DockerfileParser.parse = parse;
    }
  });

  it('reports an unterminated heredoc as Docker does, and no fix inserts into it', async () => {
    const text = 'FROM nginx:1.25\nEXPOSE 80\nRUN <<EOF\necho hi\nCMD ["nginx"]\n';
    const r = await analyze(path.join(tmp, 'Dockerfile'), text);
    assert.deepStrictEqual(r.problems.map((p) => [p.range.start.line, p.severity]), [[2, 'error']]);
    assert.match(r.problems[0].message, /heredoc <<EOF opened on line 3 is never closed .*unterminated heredoc/);
    const health = r.findings.find((f) => f.ruleId === 'missing-healthcheck');
    assert.ok(health, 'the finding stays');
    assert.deepStrictEqual(health.fix?.() ?? [], [], 'its fix would land inside the heredoc');
    const file = path.join(tmp, 'Dockerfile');
    fs.writeFileSync(file, text);
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    const fixed = await session.fixFile(file, defaultConfig(), { unsafe: true });
    assert.ok(fixed.converged);
    assert.ok(!/HEALTHCHECK/.test(session.read(file)!), session.read(file));
  });

  it('still inserts before an unterminated heredoc, and after a closed one', async () => {
    const closed = 'FROM nginx:1.25\nEXPOSE 80\nRUN <<EOF\necho hi\nEOF\n';
    const r = await analyze(path.join(tmp, 'Dockerfile'), closed);
    assert.deepStrictEqual(r.problems, []);
    const edits = r.findings.find((f) => f.ruleId === 'missing-healthcheck')!.fix!()[0].edits;
    assert.deepStrictEqual(edits.map((e) => e.range.start.line), [4]);
    const open = 'FROM nginx:1.25\nEXPOSE 80\nCMD ["nginx"]\nRUN <<EOF\necho hi\n';
    const o = await analyze(path.join(tmp, 'Dockerfile'), open);
    assert.deepStrictEqual(o.findings.find((f) => f.ruleId === 'missing-healthcheck')!.fix!()[0].edits.map((e) => e.range.start.line), [2]);
  });
});
