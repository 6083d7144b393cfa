import * as assert from 'assert';
import { analyze } from './helpers';
import { meaningfulReason } from '../../server/src/engine/suppress';

describe('suppression comments', () => {
  const base = 'FROM node:latest\nENV DB_PASSWORD=hunter2\n';

  it('an ignore with rule ids silences exactly those rules on the next instruction and keeps the reason', async () => {
    const r = await analyze('/x/Dockerfile', '# seaworthy-ignore unpinned-image -- rebuilt nightly\n' + base);
    assert.ok(!r.findings.some((f) => f.ruleId === 'unpinned-image'));
    assert.ok(r.findings.some((f) => f.ruleId === 'hardcoded-secret'), 'other rules still report');
    assert.deepStrictEqual(r.suppressed.filter((f) => f.ruleId === 'unpinned-image').map((f) => f.suppressed), [{ reason: 'rebuilt nightly', by: 'seaworthy' }]);
  });

  it('an ignore without rule ids but with a reason silences every rule on that instruction only', async () => {
    const r = await analyze('/x/Dockerfile', 'FROM node:latest\n# seaworthy-ignore -- test fixture password\nENV DB_PASSWORD=hunter2\n');
    assert.ok(!r.findings.some((f) => f.ruleId === 'hardcoded-secret'));
    assert.ok(r.findings.some((f) => f.ruleId === 'unpinned-image'), 'the FROM line is not covered');
    assert.deepStrictEqual(r.unusedSuppressions, []);
  });

  it('a file-wide ignore and hadolint ignores map to our rules; an ignore that matches nothing is unused', async () => {
    const r = await analyze('/x/Dockerfile', '# hadolint ignore=DL3007\nFROM node:latest\n# seaworthy-ignore-file hardcoded-secret\nENV DB_PASSWORD=hunter2\n# seaworthy-ignore ssh-server -- nothing here\nCMD ["node"]\n');
    assert.ok(!r.findings.some((f) => f.ruleId === 'unpinned-image' || f.ruleId === 'hardcoded-secret'));
    assert.deepStrictEqual(r.unusedSuppressions.map((s) => s.ruleIds), [['ssh-server']]);
  });

  it('the Kubernetes annotation silences a rule for its object only', async () => {
    const doc = (name: string, annotate: boolean) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${annotate ? '  annotations:\n    seaworthy.dev/ignore: "hardcoded-secret"\n' : ''}spec:\n  containers:\n    - name: a\n      image: a:1.0.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2\n`;
    const r = await analyze('/x/k.yaml', doc('one', true) + '---\n' + doc('two', false));
    assert.strictEqual(r.findings.filter((f) => f.ruleId === 'hardcoded-secret').length, 1);
    assert.strictEqual(r.suppressed.filter((f) => f.ruleId === 'hardcoded-secret').length, 1);
  });
});

describe('suppression reasons', () => {
  it('a placeholder or empty reason is no reason; anything else is kept as written', () => {
    for (const none of [undefined, '', '  ', 'reason', 'Reason', 'TODO', 'todo:', 'TBD', '"tbd"', '<reason>', '...', 'n/a']) {
      assert.strictEqual(meaningfulReason(none), undefined, JSON.stringify(none));
    }
    for (const kept of ['rotated by the vault agent', 'test data only', 'reason: dev only', 'todo list service uses it']) {
      assert.strictEqual(meaningfulReason(kept), kept);
    }
  });
});
