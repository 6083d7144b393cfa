/**
 * Fuzzing in the unit layer: a fixed, seeded slice of the campaign `npm run fuzz` runs at length
 * (test/fuzz). Mutated fixtures go through the analysis as `seaworthy check` runs it, and through
 * `seaworthy fix --unsafe`; every case runs in a child process, so a hang (no answer within 10 s)
 * is reported as such instead of freezing the suite. A failure names the case: reproduce it with
 * `npm run fuzz -- --replay SEED:INDEX [--fix]`.
 */
import * as assert from 'assert';
import { makeCase, seedFiles } from '../fuzz/cases';
import { CampaignSummary, runCampaign } from '../fuzz/campaign';
import { editProblem } from '../fuzz/check-fix';
import { formatSummary } from '../fuzz/run';
import type { RuleSet } from '../../server/src/engine/rule';
import { isRuleActive } from '../../server/src/engine/rule-sets';
import { allRules } from '../../server/src/rules';
import { fuzzConfig } from '../fuzz/check-analysis';

/** Seeds and sizes of the slices run here (analysis about 30 s on two busy cores, fix about 20 s on two quiet ones). */
const SEED = 1;
const ANALYSIS_CASES = 1800;
const FIX_SEED = 1;
const FIX_CASES = 1000;
/**
 * The fix slice's cases are split between the rule sets, so strict rules' fixes are fuzzed too without
 * doubling the slice's time: even cases with the recommended rules (the default), odd ones with strict
 * (every rule, so recommended rules' fixes among them).
 */
const ruleSetOf = (index: number): RuleSet => (index % 2 ? 'strict' : 'recommended');
const JOBS = 2;
// Each rule set's half of the fix slice runs its cases one after another in one worker (the two halves at
// once), so which cases share a process never depends on timing. Case 1:747 used to fail in about two runs
// of three with two workers per slice: most likely the process-history dependence found with case 1:640
// (YAML nested deeper than the stack, parse/yaml-depth); one worker per half keeps the verdict reproducible.
const FIX_JOBS = 1;

/**
 * Cases of the fix slice that fail today on known bugs being fixed in other work (docs/fuzzing.md lists
 * their reproducers), as `index: 'area: what happens'`. They still run, and the test prints which of them
 * pass: delete an entry as soon as its case passes, so it is guarded again. None today.
 */
const FIX_PENDING: Record<number, string> = {};

const failuresOf = (s: CampaignSummary) => s.failed.map((f) => `${f.seed}:${f.index} ${f.source} [${f.mutations.join(', ')}]: ${f.failure.type}: ${f.failure.message}`);

describe('fuzz: mutated fixtures', function () {
  this.timeout(180000);

  it('builds every case from (seed, index) alone', () => {
    assert.ok(seedFiles().length > 100, 'the fixtures and examples give the fuzzer its seed files');
    const a = makeCase(7, 12345), b = makeCase(7, 12345);
    assert.deepStrictEqual(a, b);
    assert.ok(makeCase(8, 12345).text !== a.text && makeCase(7, 12346).text !== a.text, 'another seed or index gives another case');
    const kinds = new Set(Array.from({ length: 400 }, (_, i) => makeCase(SEED, i).mutations).flat());
    for (const m of ['byte-flip', 'truncate', 'indent-shift', 'yaml-token', 'line-breaks', 'long-line', 'deep-nesting', 'alias-bomb', 'heredoc', 'continuation', 'dollar-nesting']) {
      assert.ok(kinds.has(m), `the first 400 cases include a ${m} mutation`);
    }
  });

  it('runs the fix slice\'s odd cases with every rule, so strict rules\' fixes are fuzzed too', () => {
    const strictRules = allRules.filter((r) => r.set === 'strict');
    assert.ok(strictRules.length > 5, 'there are strict rules');
    assert.ok(strictRules.every((r) => isRuleActive(r, fuzzConfig(ruleSetOf(1))) && !isRuleActive(r, fuzzConfig(ruleSetOf(0)))));
  });

  it('reports a case that does not answer in time as a hang and goes on', async () => {
    // A fresh worker loads the whole engine before its first case: it cannot answer within 1 ms.
    const s = await runCampaign({ mode: 'analysis', seed: SEED, cases: 3, jobs: 1, hangMs: 1 });
    assert.strictEqual(s.done, 3);
    assert.strictEqual(s.hangs, 3);
    assert.deepStrictEqual(s.failed.map((f) => f.failure.type), ['hang', 'hang', 'hang']);
  });

  it('the fix oracle sees edits that land elsewhere than their ranges say', () => {
    // Line 2 as the model counts lines (a lone CR breaks lines) is "b"; an edit applied as if only LF did lands in line 1.
    const text = 'a\rb\nc\n';
    const edit = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, newText: 'B' };
    assert.strictEqual(editProblem(text, [edit], 'a\rB\nc\n'), undefined);
    assert.match(editProblem(text, [edit], 'a\rb\nB\n') ?? '', /text outside the edit ranges changed/);
    // The end of the text is line 3 as the model counts (planFix and guard place appends there).
    const append = { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'd\n' };
    assert.strictEqual(editProblem(text, [append], text + 'd\n'), undefined);
    // Case 1:1058: after a leading lone CR, LF-only counting put the end of the text at line 3 and took this
    // insertion before `CMD` (line 3 as the model counts) for an append.
    const dockerfile = '\rFROM \nEXPOSE 0\nCMD \n';
    const beforeCmd = { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'HEALTHCHECK NONE\n' };
    assert.strictEqual(editProblem(dockerfile, [beforeCmd], '\rFROM \nEXPOSE 0\nHEALTHCHECK NONE\nCMD \n'), undefined);
    assert.match(editProblem(dockerfile, [beforeCmd], dockerfile + 'HEALTHCHECK NONE\n') ?? '', /text outside the edit ranges changed/);
  });

  it(`analyses ${ANALYSIS_CASES} mutated fixtures (seed ${SEED}) without a crash, rule error or hang`, async () => {
    const s = await runCampaign({ mode: 'analysis', seed: SEED, cases: ANALYSIS_CASES, jobs: JOBS });
    console.log(formatSummary(s).replace(/^/gm, '      '));
    assert.strictEqual(s.done, ANALYSIS_CASES);
    assert.deepStrictEqual(failuresOf(s), []);
  });

  it(`fixes ${FIX_CASES} mutated fixtures (seed ${FIX_SEED}) with --unsafe, half with the strict rules: still parsing, edits in place, idempotent, nothing outside`, async () => {
    const all = Array.from({ length: FIX_CASES }, (_, i) => i);
    const slice = async (indices: number[]) => (await Promise.all((['recommended', 'strict'] as const).map(async (ruleSet) => {
      const mine = indices.filter((i) => ruleSetOf(i) === ruleSet);
      return mine.length ? { ruleSet, s: await runCampaign({ mode: 'fix', seed: FIX_SEED, cases: FIX_CASES, indices: mine, jobs: FIX_JOBS, ruleSet }) } : undefined;
    }))).filter((r) => r !== undefined);
    const runs = await slice(all.filter((i) => !(i in FIX_PENDING)));
    for (const r of runs) console.log(`      ${r.ruleSet} rules: ${formatSummary(r.s).replace(/^/gm, '      ').trimStart()}`);
    const pendingIndices = all.filter((i) => i in FIX_PENDING);
    const pending = pendingIndices.length ? await slice(pendingIndices) : [];
    const stillFailing = new Set(pending.flatMap((r) => r.s.failed.map((f) => f.index)));
    const fixed = pendingIndices.filter((i) => !stillFailing.has(i));
    if (pendingIndices.length) console.log(`      pending (known bugs elsewhere): ${stillFailing.size} still fail${fixed.length ? `; now passing, remove from FIX_PENDING: ${fixed.join(', ')}` : ''}`);
    assert.strictEqual([...runs, ...pending].reduce((n, r) => n + r.s.done, 0), FIX_CASES);
    assert.deepStrictEqual(runs.flatMap((r) => failuresOf(r.s).map((f) => `${r.ruleSet} rules: ${f}`)), []);
  });
});
