import * as assert from 'assert';
import * as path from 'path';
import { compileGlob, excludeMatcher, globMatches, globProblem, InvalidGlob } from '../../server/src/workspace/globs';

describe('globs', () => {
  it('says what is wrong with a glob in words', () => {
    assert.strictEqual(globProblem('{a,b'), '"{" at character 1 is never closed by "}" (write "\\{" for a literal brace)');
    assert.strictEqual(globProblem('x/[abc'), '"[" at character 3 is never closed by "]" (write "\\[" for a literal bracket)');
    assert.strictEqual(globProblem('[z-a]'), '"z-a" in "[z-a]" is not a range: "z" comes after "a"');
    assert.match(globProblem('{a,b}'.repeat(10)) ?? '', /more than 1,000 patterns/, '2^10 = 1,024 alternatives');
    for (const ok of ['{a,b}', '\\{a,b', '[a-z]*.yaml', '[!a-c]', '[]]', 'a]', '}', '**/x', '{a,b}'.repeat(9)]) assert.strictEqual(globProblem(ok), undefined, ok);
    assert.throws(() => compileGlob('{a,b'), InvalidGlob);
    assert.strictEqual(globMatches('{a,b', '{a,b'), false, 'an invalid glob matches nothing');
  });

  it('escapes, dot files and literal text', () => {
    assert.ok(globMatches('a\\*', 'a*') && !globMatches('a\\*', 'ab'));
    assert.ok(globMatches('**/*.yaml', '.github/x.yaml') && globMatches('*.yaml', '.x.yaml'), 'dot files match like any other');
    assert.ok(globMatches('!x', '!x') && globMatches('#x', '#x') && globMatches('+(a)', '+(a)'), 'no negation, comment or extglob syntax');
    assert.ok(globMatches('{a,b}.txt', 'b.txt') && !globMatches('{a,b}.txt', 'b.txt'.replace('b', '{a,b}'), { braces: true }));
    assert.ok(!globMatches('{a,b}.txt', 'b.txt', { braces: false }) && globMatches('{a,b}.txt', '{a,b}.txt', { braces: false }), 'gitignore has no braces');
  });

  it('files.exclude: an invalid glob is reported and left out, the others still exclude', () => {
    const root = path.resolve('/w');
    const invalid: string[] = [];
    const excluded = excludeMatcher([root], { '{a,b': true, '[z-a]': true, '**/gen': true }, (e) => invalid.push(`${e.glob}: ${e.reason}`));
    assert.deepStrictEqual(invalid.map((i) => i.split(':')[0]), ['{a,b', '[z-a]']);
    assert.ok(excluded(path.join(root, 'x', 'gen')));
    assert.ok(!excluded(path.join(root, 'a')) && !excluded(path.join(root, 'z')));
  });
});
