import * as assert from 'assert';
import * as path from 'path';
import { planFix } from '../../server/src/engine/fix';

/** `unlessLineMatches` tests one line at a time (engine/fix.ts): `^\s+NAME` must not reach back across blank lines. */
describe('fix appends: "already there" tests read one line at a time', () => {
  const doc = path.resolve('/p/compose.yaml');
  const plan = (existing: string) => planFix({
    title: 'move', safety: 'safe', edits: [],
    appends: [{ file: 'secrets.yaml', lines: ['  API_KEY: "x"'], unlessLineMatches: [`^\\s+["']?API_KEY["']?\\s*:`] }],
  }, doc, () => existing);

  it('skips the line when an indented entry for the key is there', () => {
    assert.deepStrictEqual(plan('stringData:\n  API_KEY: "old"\n'), []);
    assert.deepStrictEqual(plan('stringData:\r  API_KEY: "old"\r'), [], 'lone CR line breaks, as the `m` flag read them');
  });

  it('does not take a top-level key after a blank line for an entry (the blank line is not its indentation)', () => {
    const changes = plan(`stringData:\n  OTHER: "1"\n${'\n'.repeat(5)}API_KEY: top-level\n`);
    assert.strictEqual(changes.length, 1);
    assert.match(changes[0].edits.map((e) => e.newText).join(''), /API_KEY: "x"/);
  });
});
