/**
 * The injection grammar that highlights `seaworthy-ignore` comments. Its regex uses only syntax that
 * Oniguruma and JavaScript read alike (lookbehind, lazy groups), so it is tested with JS RegExp; the
 * rule ids it marks must be the ones the engine reads from the same comment.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseModel } from '../../server/src/engine/analyze';
import { readSuppressions } from '../../server/src/engine/suppress';
import { allRules } from '../../server/src/rules';
import { repoRoot } from './helpers';

interface Capture { name?: string; patterns?: { match: string; name: string }[] }
interface Grammar { scopeName: string; injectionSelector: string; repository: Record<string, { name: string; match: string; captures: Record<string, Capture> }> }

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars?: { scopeName: string; path: string; injectTo?: string[] }[] } };
const contribution = pkg.contributes.grammars?.find((g) => g.scopeName === 'seaworthy.ignore.injection');
const grammar = JSON.parse(fs.readFileSync(path.join(repoRoot, contribution?.path ?? 'syntaxes/seaworthy-ignore.injection.json'), 'utf8')) as Grammar;
const rule = grammar.repository['ignore-comment'];
const re = new RegExp(rule.match);

/** Scope name → matched texts, as a tokenizer would assign them for one line. */
function tokens(line: string): Map<string, string[]> | undefined {
  const m = re.exec(line);
  if (!m) return undefined;
  const out = new Map<string, string[]>();
  const add = (scope: string, text: string) => (out.get(scope) ?? out.set(scope, []).get(scope)!).push(text);
  add(rule.name, m[0]);
  for (const [i, cap] of Object.entries(rule.captures)) {
    const text = m[Number(i)];
    if (text === undefined) continue;
    if (cap.name) add(cap.name, text);
    for (const p of cap.patterns ?? []) for (const t of text.match(new RegExp(p.match, 'g')) ?? []) add(p.name, t);
  }
  return out;
}

const ID = 'entity.name.tag.rule-id.seaworthy';
const KEYWORD = 'keyword.other.seaworthy-ignore';

describe('seaworthy-ignore injection grammar', () => {
  it('is contributed as an injection into Dockerfile and YAML', () => {
    assert.ok(contribution, 'package.json contributes.grammars has the injection');
    assert.deepStrictEqual([...(contribution!.injectTo ?? [])].sort(), ['source.dockerfile', 'source.yaml']);
    assert.strictEqual(grammar.scopeName, contribution!.scopeName);
    assert.match(grammar.injectionSelector, /L:source\.dockerfile/);
    assert.match(grammar.injectionSelector, /L:source\.yaml/);
  });

  // The last case is left out of the engine comparison: suppress.ts reads "-- reason" without rule ids
  // as the ids "--", "everything", ... (reported as a bug); the grammar marks it as a reason.
  const cases: [string, string, string[], string | undefined][] = [
    ['# seaworthy-ignore hardcoded-secret -- rotated weekly by CI', 'seaworthy-ignore', ['hardcoded-secret'], 'rotated weekly by CI'],
    ['    # seaworthy-ignore unpinned-image, volume-in-image', 'seaworthy-ignore', ['unpinned-image', 'volume-in-image'], undefined],
    ['#seaworthy-ignore-file host-port,host-namespace -- dev only', 'seaworthy-ignore-file', ['host-port', 'host-namespace'], 'dev only'],
    ['    image: redis  # seaworthy-ignore unpinned-image -- pinned by the platform', 'seaworthy-ignore', ['unpinned-image'], 'pinned by the platform'],
    ['# seaworthy-ignore', 'seaworthy-ignore', [], undefined],
    ['# seaworthy-ignore -- everything here is a demo', 'seaworthy-ignore', [], 'everything here is a demo'],
  ];
  for (const [line, keyword, ids, reason] of cases) {
    it(`marks ${JSON.stringify(line.trim())}`, () => {
      const t = tokens(line);
      assert.ok(t, 'no match');
      assert.deepStrictEqual(t!.get(KEYWORD), [keyword]);
      assert.deepStrictEqual(t!.get(ID) ?? [], ids);
      assert.deepStrictEqual(t!.get('string.unquoted.reason.seaworthy')?.[0], reason);
      // The engine reads the same rule ids from the same comment.
      const text = line.startsWith('    image:') ? `services:\n  cache:\n${line}\n` : `${line}\nFROM node:20.11-alpine\n`;
      const model = parseModel(line.startsWith('    image:') ? 'compose.yaml' : 'Dockerfile', text, line.startsWith('    image:') ? 'compose' : 'dockerfile');
      if (ids.length || !reason) assert.deepStrictEqual(readSuppressions(model, allRules).map((s) => s.ruleIds), [ids]);
    });
  }

  for (const line of ['# seaworthy-ignored foo', '# not-seaworthy-ignore foo', 'RUN echo x#seaworthy-ignore foo', '# seaworthy-ignore-files foo', '# hadolint ignore=DL3008']) {
    it(`leaves ${JSON.stringify(line)} alone`, () => assert.strictEqual(tokens(line), undefined));
  }
});
