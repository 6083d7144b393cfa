import * as assert from 'assert';
import { analyzeText, Cancelled } from '../../server/src/engine/analyze';
import { BudgetExceeded, runWithBudget } from '../../server/src/engine/budget';
import { defaultConfig } from '../../server/src/engine/config';
import { commandsOf } from '../../server/src/knowledge/container-commands';
import { parseShell } from '../../server/src/knowledge/shell';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { defineRule, Rule } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules';

const host = { fileExists: () => false };
const dockerfile = (runs: number) => `FROM debian:12\n${Array.from({ length: runs }, (_, i) => `RUN echo ${i} && apt-get install -y pkg${i % 9}\n`).join('')}`;

describe('analysis time budget and cancellation (engine/budget.ts)', () => {
  it('reports "analysis stopped" as a problem and skips the rules when the budget is spent', async () => {
    const r = await analyzeText('/x/Dockerfile', dockerfile(3), { ...defaultConfig(), maxAnalysisMs: 0 }, host);
    assert.deepStrictEqual(r.findings, []);
    assert.deepStrictEqual(r.ruleErrors, []);
    const stopped = r.problems.filter((p) => /^Analysis stopped after \d+\.\d s: /.test(p.message));
    assert.strictEqual(stopped.length, 1, JSON.stringify(r.problems));
    assert.match(stopped[0].message, /rules were not run \(/);
    assert.strictEqual(stopped[0].severity, 'warning');
  });

  it('runs every rule within the default budget (no problem on an ordinary file)', async () => {
    const r = await analyzeText('/x/Dockerfile', dockerfile(3), defaultConfig(), host);
    assert.ok(r.findings.length > 0);
    assert.ok(!r.problems.some((p) => /Analysis stopped/.test(p.message)), JSON.stringify(r.problems));
  });

  it('stops inside a rule: the per-instruction helpers are checkpoints', () => {
    const model = parseDockerfile('/x/Dockerfile', dockerfile(2));
    const run = model.instructions[1];
    assert.throws(() => runWithBudget({ deadline: -1 }, () => commandsOf(run, model.source)), BudgetExceeded);
    assert.throws(() => runWithBudget({ deadline: Infinity, isCancelled: () => true }, () => parseShell('echo hi')), Cancelled);
    // Outside an analysis (or within its time) the helpers run as usual.
    assert.strictEqual(parseShell('echo hi').length, 1);
    assert.strictEqual(runWithBudget({ deadline: Infinity }, () => commandsOf(run, model.source)).length, 2);
  });

  it('lets the event loop deliver a cancellation during a long analysis (not only before it starts)', async () => {
    let cancelled = false;
    let asked = 0;
    const text = dockerfile(3000);
    setImmediate(() => { cancelled = true; });
    await assert.rejects(analyzeText('/x/Dockerfile', text, { ...defaultConfig(), maxAnalysisMs: 600000 }, { ...host, isCancelled: () => { asked++; return cancelled; } }), Cancelled);
    assert.ok(asked > 1, 'the run looked again after it had started');
  });

  it('keeps one failing rule from silencing the others, and a rule out of time from hiding what it found', async () => {
    const rules = allRules as Rule[];
    const failing = defineRule({ ...rules[0], id: 'test-throws', check: { dockerfile() { throw new Error('boom'); } } });
    const slow = defineRule({ ...rules[0], id: 'test-out-of-time', check: { dockerfile(m, ctx) { ctx.report({ range: m.instructions[0].range, message: 'found before the time ran out' }); throw new BudgetExceeded(); } } });
    rules.unshift(failing);
    rules.push(slow);
    try {
      const r = await analyzeText('/x/Dockerfile', dockerfile(3), defaultConfig(), host);
      assert.deepStrictEqual(r.ruleErrors.map((e) => e.ruleId), ['test-throws']);
      assert.ok(r.findings.some((f) => f.ruleId === 'test-out-of-time'));
      assert.ok(r.findings.some((f) => f.ruleId !== 'test-out-of-time'), 'the rules between them still ran');
      assert.ok(r.problems.some((p) => /The rule test-out-of-time was stopped part-way/.test(p.message)), JSON.stringify(r.problems));
    } finally {
      rules.splice(rules.indexOf(failing), 1);
      rules.splice(rules.indexOf(slow), 1);
    }
  });
});
