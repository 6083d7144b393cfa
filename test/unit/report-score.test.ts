/**
 * Scores computed by hand first (docs/scoring.md), then asserted. The findings are made up and placed
 * at known ranges of the linked fixture workspace, so these numbers do not move when rules change.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { defaultConfig } from '../../server/src/engine/config';
import type { Category, Severity } from '../../server/src/engine/rule';
import { buildReport } from '../../server/src/report/build';
import { penaltyOf, scoreFrom, statusFrom } from '../../server/src/report/score';
import { CATEGORY_SECTION, SECTIONS, sectionIdOf } from '../../server/src/report/sections';
import { CATEGORIES } from '../../server/src/engine/rule';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { computeLinks } from '../../server/src/workspace/links';
import { fixturesDir } from './helpers';

const LINKED = path.join(fixturesDir, 'workspaces', 'linked');

function finding(ruleId: string, category: Category, severity: Severity, line: number, suppressed?: Finding['suppressed']): Finding {
  return { ruleId, category, severity, message: `${ruleId} at ${line + 1}`, range: { start: { line, character: 4 }, end: { line, character: 10 } }, fixAvailability: 'none', suppressed };
}

describe('report score: formula', () => {
  it('score = round(100 × 20u / (20u + penalty)), half up, in integers', () => {
    assert.strictEqual(scoreFrom(0, 1), 100);
    assert.strictEqual(scoreFrom(20, 1), 50);
    assert.strictEqual(scoreFrom(10, 1), 67); // 66.67
    assert.strictEqual(scoreFrom(780, 1), 3); // exactly 2.5
    assert.strictEqual(scoreFrom(40, 4), 67); // 8000 / 120
    assert.strictEqual(scoreFrom(47, 4), 63); // 8000 / 127 = 62.99
    assert.strictEqual(scoreFrom(10, 0), 67, 'an empty workspace counts as one unit');
  });

  it('penalty = severity weight × blast radius capped at 5', () => {
    assert.strictEqual(penaltyOf('error', 1), 10);
    assert.strictEqual(penaltyOf('warning', 2), 6);
    assert.strictEqual(penaltyOf('info', 9), 5);
    assert.strictEqual(penaltyOf('error', 0), 10);
  });

  it('status: an open error fails, a warning warns, info passes', () => {
    assert.strictEqual(statusFrom([{ severity: 'info' }, { severity: 'error' }]), 'fail');
    assert.strictEqual(statusFrom([{ severity: 'info' }, { severity: 'warning' }]), 'warn');
    assert.strictEqual(statusFrom([{ severity: 'info' }]), 'pass');
  });

  it('maps every category to exactly one listed section', () => {
    for (const c of CATEGORIES) assert.ok(SECTIONS.some((s) => s.id === CATEGORY_SECTION[c]), c);
    assert.strictEqual(SECTIONS.length, 15);
  });

  it('scores a rule under its principle when that is a practice of its own, else under its category', () => {
    assert.strictEqual(sectionIdOf({ category: 'versioning', principle: 'rollout' }), 'rollout');
    assert.strictEqual(sectionIdOf({ category: 'observability', principle: 'logs' }), 'debugging');
    assert.strictEqual(sectionIdOf({ category: 'state', principle: 'backups' }), 'backups');
    assert.strictEqual(sectionIdOf({ category: 'state', principle: 'processes' }), 'processes');
    assert.strictEqual(sectionIdOf({ category: 'observability', principle: 'disposability' }), 'monitoring');
    const rollout = buildReport({ results: [], roots: [LINKED] }).sections.find((s) => s.id === 'rollout')!;
    assert.ok(rollout.checks >= 3, 'the rollout section counts its rules');
    assert.ok(rollout.categories.includes('versioning'));
  });
});

describe('report score: a hand-computed workspace', () => {
  let results: AnalysisResult[];
  before(async () => {
    const ix = new WorkspaceIndex({ roots: [LINKED], config: defaultConfig() });
    await ix.scan();
    const rel = (r: AnalysisResult) => path.relative(LINKED, r.path).split(path.sep).join('/');
    const planted: Record<string, { findings: Finding[]; suppressed: Finding[] }> = {
      // Reaches compose web + worker and the Deployment whose image it builds: blast 3, penalty 10 × 3 = 30.
      'web/Dockerfile': { findings: [finding('f1', 'secrets', 'error', 0)], suppressed: [] },
      'compose.yaml': {
        findings: [
          finding('f2', 'state', 'warning', 10), // service db: 3
          finding('f4', 'dependencies', 'info', 2), // service web: 1
        ],
        suppressed: [
          finding('f5', 'secrets', 'error', 10, { reason: 'test data only', by: 'seaworthy' }), // accepted: 0
          finding('f6', 'dependencies', 'warning', 8, { by: 'hadolint' }), // no reason: still 3
        ],
      },
      // Inside Secret app-secrets, read by Deployment/web only: blast 1, penalty 10.
      'k8s/config.yaml': { findings: [finding('f3', 'secrets', 'error', 10)], suppressed: [] },
      'k8s/deploy.yaml': { findings: [], suppressed: [] },
    };
    results = ix.results().map((r) => ({ ...r, ...planted[rel(r)] }));
  });

  const report = () => buildReport({ results, roots: [LINKED], links: computeLinks(results, fs.existsSync) });

  it('counts 4 units: compose web, worker, db and the Deployment (the Dockerfile is used, so not a unit of its own)', () => {
    assert.strictEqual(report().units, 4);
  });

  it('gives the hand-computed section and overall scores', () => {
    const r = report();
    const by = Object.fromEntries(r.sections.map((s) => [s.id, [s.score, s.status, s.penalty]]));
    assert.deepStrictEqual(by.config, [67, 'fail', 40]); // 8000 / (80 + 40) = 66.67
    assert.deepStrictEqual(by.processes, [96, 'warn', 3]); // 8000 / 83 = 96.39
    assert.deepStrictEqual(by.dependencies, [95, 'warn', 4]); // 8000 / 84 = 95.24
    assert.deepStrictEqual(by.monitoring, [100, 'pass', 0]);
    assert.strictEqual(r.score, 63); // 8000 / 127 = 62.99
    assert.strictEqual(r.status, 'fail');
    assert.deepStrictEqual(r.totals, { files: 4, findings: 5, error: 2, warning: 2, info: 1, accepted: 1, problems: 0 });
  });

  it('ranks fix-first by penalty (severity × blast radius), then position', () => {
    assert.deepStrictEqual(report().fixFirst.map((f) => `${f.ruleId}:${f.penalty}`), ['f1:30', 'f3:10', 'f6:3', 'f2:3', 'f4:1']);
    const f1 = report().fixFirst[0];
    assert.deepStrictEqual(f1.affects, ['compose.yaml › web', 'compose.yaml › worker', 'k8s/deploy.yaml › Deployment/web']);
  });

  it('shows a finding suppressed with a reason as accepted risk, and one without a reason as still open', () => {
    const config = report().sections.find((s) => s.id === 'config')!;
    assert.deepStrictEqual(config.accepted.map((f) => [f.ruleId, f.accepted?.reason, f.penalty]), [['f5', 'test data only', 0]]);
    const f6 = report().sections.find((s) => s.id === 'dependencies')!.findings.find((f) => f.ruleId === 'f6')!;
    assert.strictEqual(f6.suppressedWithoutReason, true);
  });

  it('counts a placeholder reason (the quick fix\'s "reason", TODO, tbd) as suppressed without a reason: still scored', () => {
    for (const placeholder of ['reason', 'TODO', ' tbd. ', '']) {
      const withPlaceholder = results.map((r) => ({ ...r, suppressed: r.suppressed.map((f) => (f.ruleId === 'f5' ? { ...f, suppressed: { reason: placeholder, by: 'seaworthy' } } : f)) }));
      const r = buildReport({ results: withPlaceholder, roots: [LINKED], links: computeLinks(withPlaceholder, fs.existsSync) });
      const config = r.sections.find((s) => s.id === 'config')!;
      assert.deepStrictEqual(config.accepted, [], JSON.stringify(placeholder));
      const f5 = config.findings.find((f) => f.ruleId === 'f5')!;
      assert.deepStrictEqual([f5.suppressedWithoutReason, f5.penalty], [true, 10], JSON.stringify(placeholder));
      assert.strictEqual(config.penalty, 50, '40 + the error f5 (10 × blast 1)');
    }
  });

  it('scores files on their own (one unit each)', () => {
    const files = Object.fromEntries(report().files.map((f) => [f.file, f.score]));
    assert.deepStrictEqual(files, { 'compose.yaml': 74, 'k8s/config.yaml': 67, 'k8s/deploy.yaml': 100, 'web/Dockerfile': 40 });
  });

  it('is deterministic: same inputs in another order give the same report', () => {
    const again = buildReport({ results: [...results].reverse(), roots: [LINKED], links: computeLinks([...results].reverse(), fs.existsSync) });
    assert.deepStrictEqual(again, report());
  });
});
