import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseModel } from '../../server/src/engine/analyze';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';
import type { ComposeModel } from '../../server/src/model/compose';
import { MAX_YAML_DEPTH, parseAllDocumentsBounded, parseDocumentBounded } from '../../server/src/parse/yaml-depth';

/** Runs `fn` with about `frames` calls already on the stack: a caller deep in the server, or V8 frames of another size. */
function withStackUsed<T>(frames: number, fn: () => T): T {
  const down = (n: number): T => (n === 0 ? fn() : [down(n - 1)][0]);
  return down(frames);
}

const nested = (depth: number): unknown => (depth === 0 ? [] : [nested(depth - 1)]);

const readCompose = (text: string) => {
  const m = parseModel('/p/compose.yaml', text, 'compose') as ComposeModel;
  return { problems: m.problems.map((p) => `${p.range.start.line}:${p.range.start.character} ${p.message}`), services: m.services.map((s) => s.name) };
};

describe('YAML nested too deeply is read the same way whatever the stack (parse/yaml-depth)', () => {
  // Fix fuzz case 1:640 (test/fixtures/rules/source-mounted-in-production/compose.prod.yaml mutated): a
  // line of ": " repeated 12,000 times nests compact mappings until the parser's stack ran out, at a
  // depth that moved with the process's history, so a fix was refused as "breaking the syntax" in one run
  // and applied by the next.
  const compact = 'services:\n  api:\n    image: shop/api:1.4.2\n    volumes: ' + ': '.repeat(3000) + '!\n  worker:\n    image: shop/worker:1.4.2\n';
  const flow = 'services:\n  api:\n    image: shop/api:1.4.2\n    labels: ' + '['.repeat(3000) + ']'.repeat(3000) + '\n  worker:\n    image: shop/worker:1.4.2\n';
  const block = 'services:\n  api:\n    image: shop/api:1.4.2\n    labels:\n' + Array.from({ length: 600 }, (_, i) => ' '.repeat(6 + i) + 'k:').join('\n') + '\n  worker:\n    image: shop/worker:1.4.2\n';

  for (const [name, text, cutLine] of [['compact mappings', compact, 3], ['flow sequences', flow, 3], ['block mappings', block, 4 + MAX_YAML_DEPTH - 4]] as const) {
    it(`gives the same problems and services for ${name} nested too deeply, called with a shallow or a deep stack`, () => {
      const shallow = readCompose(text);
      const deep = withStackUsed(4000, () => readCompose(text));
      assert.deepStrictEqual(deep, shallow);
      assert.ok(shallow.problems.every((p) => !/call stack/i.test(p)));
      // Exactly one value is cut, where it passes the limit, and the rest of the file is read.
      const cut = shallow.problems.filter((p) => /YAML nested too deeply to read: \d+ levels deep here/.test(p));
      assert.strictEqual(cut.length, 1, shallow.problems.slice(0, 3).join('\n'));
      assert.strictEqual(cut[0].split(':')[0], String(cutLine));
      assert.deepStrictEqual(shallow.services, ['api', 'worker']);
    });
  }

  it('reads values nested up to the limit, and cuts the first collection beyond it', () => {
    // The document's map and the `:` of `a:` are two levels: `depth` brackets make depth + 2.
    const at = (depth: number) => 'a: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n';
    assert.deepStrictEqual(parseAllDocumentsBounded(at(MAX_YAML_DEPTH - 2))[0].errors, []);
    const cut = parseAllDocumentsBounded(at(MAX_YAML_DEPTH - 1))[0].errors;
    assert.strictEqual(cut.length, 1);
    assert.strictEqual(cut[0].pos[0], 3 + MAX_YAML_DEPTH - 2, 'at the first bracket past the limit');
    assert.deepStrictEqual(parseAllDocumentsBounded(at(MAX_YAML_DEPTH - 1))[0].toJS(), { a: nested(MAX_YAML_DEPTH - 3) }, 'the brackets inside it read as empty');
  });

  it('measures quotes, comments and block scalars as the parser reads them', () => {
    const brackets = '['.repeat(400);
    for (const text of [`a: "${brackets}"\n`, `a: '${brackets}'\n`, `a: 1 # ${brackets}\n`, `a: |\n  ${brackets}\n`, `a: "x\n  ${brackets}"\n`]) {
      assert.deepStrictEqual(parseAllDocumentsBounded(text)[0].errors, [], JSON.stringify(text.slice(0, 12)));
    }
    // Not a quote: inside a plain scalar.
    assert.strictEqual(parseAllDocumentsBounded(`a: b\nc: x"${brackets}\n`)[0].errors.length, 0);
    assert.strictEqual(parseAllDocumentsBounded(`a: b\nc: [${brackets}\n`)[0].errors.filter((e) => e.code === 'RESOURCE_EXHAUSTION').length, 1);
  });
  it('keeps parseDocument\'s answer for several documents and an empty text', () => {
    assert.deepStrictEqual(parseDocumentBounded('a: 1\n---\nb: 2\n').errors.map((e) => e.code), ['MULTIPLE_DOCS']);
    assert.strictEqual(parseDocumentBounded('').contents, null);
    assert.deepStrictEqual(parseDocumentBounded('a: [1, {b: 2}]\n').toJS(), { a: [1, { b: 2 }] });
  });

  it('fixes an overlay with a line nested 3,000 deep the same way from any stack, and once (case 1:640)', async () => {
    // Fix fuzz case 1:640, shortened: test/fixtures/rules/source-mounted-in-production/compose.prod.yaml with tabs,
    // a vertical tab and a run of ": " in place of `volumes:`.
    const overlayText = 'services:\n  api:\n    build:\n\t\t\tcontext: ./api\n\t\tvolummemory: ' + ': '.repeat(3000) + '!es:\n\t\t\t# expect: source-mounted-in-production\n      - type: bind\n        source: ./api\n        ta \u000brget: /usr/src/app\n      - uploads:/usr/src/app/uploads\nvolumes:\n  uploads:\n';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-depth-'));
    const overlay = path.join(dir, 'compose.prod.yaml');
    const fixOnce = async (deep: boolean) => {
      const s = new FixSession({ refuseReason: () => undefined, ignored: () => false });
      const r = await (deep ? withStackUsed(4000, () => s.fixFile(overlay, defaultConfig(), { unsafe: true })) : s.fixFile(overlay, defaultConfig(), { unsafe: true }));
      await s.write(dir);
      return { applied: r.applied.map((a) => a.title), refused: r.refused.map((x) => `${x.title}: ${x.reason}`), text: fs.readFileSync(overlay, 'utf8') };
    };
    try {
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: shop/web:2.1.0\n');
      const outcomes = [];
      for (const deep of [true, false]) {
        fs.writeFileSync(overlay, overlayText);
        const first = await fixOnce(deep);
        const second = await fixOnce(!deep);
        assert.deepStrictEqual(second.applied, [], 'a second fix changes nothing');
        assert.strictEqual(second.text, first.text);
        outcomes.push(first);
      }
      assert.deepStrictEqual(outcomes[0], outcomes[1], 'the same fixes from a deep and a shallow stack');
      assert.ok(outcomes[0].applied.some((t) => /memory limit/.test(t)), JSON.stringify(outcomes[0].refused));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
