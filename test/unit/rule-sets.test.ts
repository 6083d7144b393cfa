import * as assert from 'assert';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { applyProjectConfig, parseProjectConfig } from '../../server/src/engine/project-config';
import { activeSet, isRuleActive } from '../../server/src/engine/rule-sets';
import { toEngineConfig } from '../../server/src/lsp/settings';
import { buildReport } from '../../server/src/report/build';
import { allRules } from '../../server/src/rules';
import { indexDoc } from '../../scripts/gen-docs';
import { analyze } from './helpers';

/** A Dockerfile without OCI labels: missing-image-labels (a strict rule) would report it. */
const UNLABELLED = 'FROM node:20.11.1-alpine\nUSER node\nCMD ["node", "server.js"]\n';
const labelsOf = async (config: EngineConfig) => (await analyze('/p/Dockerfile', UNLABELLED, config)).findings.filter((f) => f.ruleId === 'missing-image-labels');

describe('rule sets (recommended | strict)', () => {
  it('holds some rules in strict and the rest in recommended', () => {
    const strict = allRules.filter((r) => r.set === 'strict').map((r) => r.id);
    for (const id of ['missing-image-labels', 'missing-pids-limit', 'fixed-container-name', 'slow-shutdown-without-grace']) assert.ok(strict.includes(id), id);
    assert.ok(allRules.some((r) => (r.set ?? 'recommended') === 'recommended'));
    for (const r of allRules) assert.ok(r.set === undefined || r.set === 'recommended' || r.set === 'strict', r.id);
  });

  it('says why each strict rule is strict in its own setReason, not in its notes', () => {
    for (const r of allRules.filter((rule) => rule.set === 'strict')) {
      assert.ok(r.setReason && r.setReason.length > 20, `${r.id} has no setReason`);
      assert.ok(!/Rule set: strict/.test(r.docs.notes ?? ''), `${r.id} still explains its set in notes`);
    }
    const index = indexDoc(allRules);
    for (const r of allRules.filter((rule) => rule.set === 'strict')) assert.ok(index.includes(r.setReason!), `docs/rules/README.md lacks the reason of ${r.id}`);
  });

  it('runs recommended by default and strict rules only when asked', async () => {
    assert.strictEqual(activeSet(defaultConfig()), 'recommended');
    assert.deepStrictEqual(await labelsOf(defaultConfig()), []);
    assert.strictEqual((await labelsOf({ ...defaultConfig(), ruleSet: 'strict' })).length, 1);
  });

  it('runs a strict rule given a severity, and never one set to off', async () => {
    const on = await labelsOf({ ...defaultConfig(), rules: { 'missing-image-labels': 'warning' } });
    assert.deepStrictEqual(on.map((f) => f.severity), ['warning']);
    assert.deepStrictEqual(await labelsOf({ ...defaultConfig(), ruleSet: 'strict', rules: { 'missing-image-labels': 'off' } }), []);
    const hardcoded = allRules.find((r) => r.id === 'hardcoded-secret')!;
    assert.strictEqual(isRuleActive(hardcoded, { rules: { 'hardcoded-secret': 'off' } }), false);
  });

  it('reads `extends` in .seaworthy.yaml; rules entries still override it', async () => {
    const l = parseProjectConfig('/p/.seaworthy.yaml', 'extends: strict\nrules:\n  missing-image-labels: off\n');
    assert.deepStrictEqual(l.errors, []);
    const c = applyProjectConfig(defaultConfig(), l.config);
    assert.strictEqual(activeSet(c), 'strict');
    assert.deepStrictEqual(await labelsOf(c), []);
    assert.strictEqual((await labelsOf(applyProjectConfig(defaultConfig(), parseProjectConfig('/p/.seaworthy.yaml', 'extends: strict\n').config))).length, 1);
  });

  it('rejects an unknown rule set with its line and a suggestion', () => {
    const l = parseProjectConfig('/p/.seaworthy.yaml', 'rules: {}\nextends: stirct\n');
    assert.deepStrictEqual(l.errors.map((e) => `${e.line}:${e.column} ${e.message}`), ['2:10 `extends` must be one of recommended, strict, not "stirct" (did you mean "strict"?).']);
    assert.strictEqual(l.config.extends, undefined);
  });

  it('lets a CLI flag or the editor setting win over the project, and `project` follow it', () => {
    const project = parseProjectConfig('/p/.seaworthy.yaml', 'extends: strict\n').config;
    assert.strictEqual(activeSet(applyProjectConfig({ ...defaultConfig(), ruleSetOverride: 'recommended' }, project)), 'recommended');
    assert.strictEqual(activeSet(toEngineConfig({ ruleSet: 'recommended' }, project)), 'recommended');
    assert.strictEqual(activeSet(toEngineConfig({ ruleSet: 'project' }, project)), 'strict');
    assert.strictEqual(activeSet(toEngineConfig({}, undefined)), 'recommended');
    assert.strictEqual(activeSet(toEngineConfig({ ruleSet: 'strict' }, undefined)), 'strict');
  });

  it('does not call a suppression of a rule that did not run unused', async () => {
    const text = `# seaworthy-ignore missing-image-labels -- labels are added by CI\n${UNLABELLED}`;
    assert.deepStrictEqual((await analyze('/p/Dockerfile', text)).unusedSuppressions, [], 'recommended: the rule did not run');
    const strict = await analyze('/p/Dockerfile', text, { ...defaultConfig(), ruleSet: 'strict' });
    assert.deepStrictEqual(strict.suppressed.map((f) => f.ruleId), ['missing-image-labels']);
    const typo = await analyze('/p/Dockerfile', `# seaworthy-ignore no-such-rule\n${UNLABELLED}`);
    assert.strictEqual(typo.unusedSuppressions.length, 1, 'a comment naming no known rule is still reported');
  });

  it('counts a report section\'s checks in the active set only', () => {
    const strictOnly = new Set(allRules.filter((r) => r.set === 'strict').map((r) => r.id));
    const recommended = buildReport({ results: [], roots: ['/p'] });
    const strict = buildReport({ results: [], roots: ['/p'], config: { rules: {}, ruleSet: 'strict' } });
    assert.strictEqual(recommended.ruleSet, 'recommended');
    assert.strictEqual(strict.ruleSet, 'strict');
    const sum = (r: typeof strict) => r.sections.reduce((n, s) => n + s.checks, 0);
    assert.strictEqual(sum(strict) - sum(recommended), strictOnly.size);
  });
});
