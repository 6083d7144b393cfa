import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { decodeText } from '../../server/src/parse/decode';
import { parserFailure, yamlNestingDepth } from '../../server/src/parse/parser-errors';
import { analyzePath, diskHost } from '../../server/src/workspace/batch';
import { analyze } from './helpers';

const COMPOSE = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2-secret-value\n    privileged: true\n';
const utf16le = (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
const utf16be = (t: string) => { const b = Buffer.from(t, 'utf16le'); b.swap16(); return Buffer.concat([Buffer.from([0xfe, 0xff]), b]); };
const shape = (r: { findings: { ruleId: string; range: unknown }[] }) => r.findings.map((f) => `${f.ruleId} ${JSON.stringify(f.range)}`);

describe('parser failures and encodings in plain words (parse/parser-errors, parse/decode)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-msg-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('measures YAML nesting: indentation levels, sequence dashes and flow brackets', () => {
    assert.strictEqual(yamlNestingDepth('a:\n  b:\n    c: [[1]]\n'), 5);
    assert.strictEqual(yamlNestingDepth('a:\n  - b:\n    - - c: 2\nd: 1\n'), 6, 'map, sequence, item map, sequence, sequence, item map');
    assert.strictEqual(yamlNestingDepth('a: "[[[" # [[[\n'), 1, 'brackets in quotes and comments do not nest');
    const deep = 'x: ' + '['.repeat(50) + ']'.repeat(50);
    assert.strictEqual(yamlNestingDepth(deep, 3 + 20), 21);
  });

  it('says a too-deep YAML value is nested too deeply (not "Maximum call stack size exceeded") and reads the rest', async () => {
    const text = 'services:\n  web:\n    image: nginx:1.25\n    labels: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n    privileged: true\n';
    const r = await analyze(path.join(tmp, 'compose.yaml'), text);
    assert.ok(r.problems.length >= 1, 'the parser ran out of stack');
    for (const p of r.problems) {
      assert.doesNotMatch(p.message, /call stack/i);
      const m = /^YAML nested too deeply to read: (\d+) levels deep here/.exec(p.message);
      assert.ok(m && +m[1] > 100 && +m[1] <= 20001, p.message);
      assert.strictEqual(p.range.start.line, 3);
    }
    assert.deepStrictEqual(r.findings.filter((f) => f.ruleId === 'privileged-container').map((f) => f.range.start.line), [4]);
  });

  it('words a stack overflow from any parser as nesting', () => {
    assert.strictEqual(parserFailure(new RangeError('Maximum call stack size exceeded')), 'it is nested too deeply (the parser ran out of stack)');
    assert.strictEqual(parserFailure(new TypeError('x')), 'x');
  });

  it('decodes UTF-16 LE and BE with a BOM, and UTF-8 as before', () => {
    assert.strictEqual(decodeText(utf16le('a: é\n')), '\uFEFFa: é\n');
    assert.strictEqual(decodeText(utf16be('a: é\n')), '\uFEFFa: é\n');
    assert.strictEqual(decodeText(Buffer.from('\uFEFFa: é\n')), '\uFEFFa: é\n');
    assert.strictEqual(decodeText(Buffer.from([0xff, 0xfe])), '\uFEFF');
  });

  it('analyses a UTF-16 Compose file (LE or BE) as its UTF-8 twin, instead of skipping it as binary', async () => {
    const config = defaultConfig();
    const twin = path.join(tmp, 'utf8', 'compose.yaml');
    fs.mkdirSync(path.dirname(twin));
    fs.writeFileSync(twin, '\uFEFF' + COMPOSE);
    const expected = shape(await analyzePath(twin, config, diskHost(config)));
    assert.ok(expected.some((f) => f.startsWith('hardcoded-secret {"start":{"line":4')), expected.join('\n'));
    for (const [name, bytes] of [['le', utf16le(COMPOSE)], ['be', utf16be(COMPOSE)]] as const) {
      const file = path.join(tmp, name, 'compose.yaml');
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, bytes);
      const r = await analyzePath(file, config, diskHost(config));
      assert.deepStrictEqual(r.problems, [], name);
      assert.deepStrictEqual(shape(r), expected, name);
    }
  });

  it('fix leaves a UTF-16 file alone and says why', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, utf16le(COMPOSE));
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    const r = await session.fixFile(file, defaultConfig(), { unsafe: true });
    assert.deepStrictEqual(r.applied, []);
    assert.match(r.result.problems[0]?.message ?? '', /UTF-16 text, which fixes are not applied to/);
    session.write();
    assert.deepStrictEqual(fs.readFileSync(file), utf16le(COMPOSE));
  });
});
