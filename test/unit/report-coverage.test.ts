/**
 * Each report section lists its checks and which of them could apply to the project (by the file kinds it
 * has), so a section without findings reads "assessed" or "not applicable because …", never a bare "–".
 */
import * as assert from 'assert';
import type { AnalysisResult } from '../../server/src/engine/analyze';
import type { FileKind } from '../../server/src/model/common';
import { buildReport } from '../../server/src/report/build';
import { renderMarkdown } from '../../server/src/report/render/markdown';
import { renderHtml } from '../../server/src/report/render/html';
import { allRules } from '../../server/src/rules';
import { sectionIdOf } from '../../server/src/report/sections';

function result(path: string, kind: FileKind): AnalysisResult {
  return { path, kind, findings: [], suppressed: [], unusedSuppressions: [], problems: [], ruleErrors: [] } as AnalysisResult;
}

describe('report: section coverage', () => {
  it('a Compose-only project: Kubernetes-only checks are listed as not applicable, Compose checks as assessed', () => {
    const report = buildReport({ results: [result('/p/compose.yaml', 'compose')], roots: ['/p'] });
    const rollout = report.sections.find((s) => s.id === 'rollout')!;
    const byId = new Map(rollout.checkList.map((c) => [c.ruleId, c]));
    assert.strictEqual(byId.get('update-continues-on-failure')?.applicable, true);
    assert.strictEqual(byId.get('rollback-history-disabled')?.applicable, false);
    assert.strictEqual(rollout.assessed, rollout.checkList.filter((c) => c.kinds.includes('compose')).length);
    assert.ok(rollout.assessed > 0 && rollout.notApplicable === undefined);
  });

  it('every section with checks counts exactly the rules that land in it', () => {
    const report = buildReport({ results: [result('/p/Dockerfile', 'dockerfile')], roots: ['/p'] });
    for (const s of report.sections) {
      assert.deepStrictEqual(s.checkList.map((c) => c.ruleId).sort(), allRules.filter((r) => sectionIdOf(r) === s.id).map((r) => r.id).sort(), s.id);
      assert.strictEqual(s.checks, s.checkList.length);
    }
  });

  it('a Dockerfile-only project: sections whose checks read only Compose or Kubernetes say why they are not applicable', () => {
    const report = buildReport({ results: [result('/p/Dockerfile', 'dockerfile')], roots: ['/p'] });
    const backups = report.sections.find((s) => s.id === 'backups')!;
    assert.ok(backups.checks >= 2);
    assert.strictEqual(backups.assessed, 0);
    assert.match(backups.notApplicable ?? '', /^its \d+ checks read Compose files or Kubernetes manifests, and this project has none$/);
    const md = renderMarkdown(report);
    assert.match(md, /\| Backups \| not assessed \| not applicable \| 0 \|/);
    assert.match(md, /\*Not applicable:\* its \d+ checks read Compose files or Kubernetes manifests, and this project has none\./);
    const html = renderHtml(report, { mode: 'export' } as Parameters<typeof renderHtml>[1]);
    assert.match(html, /Not applicable: its \d+ checks read Compose files or Kubernetes manifests/);
  });

  it('markdown names the checks of an assessed section and marks the ones that do not apply', () => {
    const report = buildReport({ results: [result('/p/compose.yaml', 'compose')], roots: ['/p'] });
    const md = renderMarkdown(report);
    const line = md.split('\n').find((l) => l.startsWith('*Assessed:*') && l.includes('update-continues-on-failure'));
    assert.ok(line, 'the rollout section lists its checks');
    assert.match(line!, /`rollback-history-disabled` n\/a/);
    assert.match(line!, /`update-continues-on-failure`(?! n\/a)/);
  });
});
