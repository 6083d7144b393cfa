import * as assert from 'assert';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { varsBefore } from '../../server/src/rules/build-run/stages';

describe('varsBefore: ENV and ARG values an instruction sees (one pass per stage)', () => {
  const model = parseDockerfile('/x/Dockerfile', [
    'ARG BASE=debian:12', 'ARG TAG', 'FROM $BASE AS build', 'ENV A=1', 'RUN one', 'ARG A', 'ENV A=2 B=x', 'RUN two',
    'FROM build AS final', 'RUN three', 'ARG C=c', 'ENV B=y', 'RUN four', 'FROM debian:12', 'RUN five',
  ].join('\n'));
  const run = (word: string) => model.instructions.find((i) => i.keyword === 'RUN' && i.argsText.includes(word))!;
  const seen = (word: string) => { const ins = run(word); return Object.fromEntries(varsBefore(model, ins.stage!, ins)); };

  it('sees global ARGs, then its own stage up to itself, an ARG without default keeping the value before it', () => {
    assert.deepStrictEqual(seen('one'), { BASE: 'debian:12', TAG: undefined, A: '1' });
    assert.deepStrictEqual(seen('two'), { BASE: 'debian:12', TAG: undefined, A: '2', B: 'x' });
  });

  it('inherits the stage it is built FROM, then overrides', () => {
    assert.deepStrictEqual(seen('three'), { BASE: 'debian:12', TAG: undefined, A: '2', B: 'x' });
    assert.deepStrictEqual(seen('four'), { BASE: 'debian:12', TAG: undefined, A: '2', B: 'y', C: 'c' });
    assert.strictEqual(varsBefore(model, run('four').stage!, run('four')).get('B'), 'y');
    assert.strictEqual(varsBefore(model, run('three').stage!, run('three')).has('C'), false);
  });

  it('does not see other stages', () => {
    assert.deepStrictEqual(seen('five'), { BASE: 'debian:12', TAG: undefined });
  });

  it('without an instruction, sees the whole stage', () => {
    assert.deepStrictEqual(Object.fromEntries(varsBefore(model, run('four').stage!)), { BASE: 'debian:12', TAG: undefined, A: '2', B: 'y', C: 'c' });
  });
});
