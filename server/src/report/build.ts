import { createHash } from 'crypto';
import * as path from 'path';
import type { AnalysisResult, Finding } from '../engine/analyze';
import { allRules } from '../rules';
import { meaningfulReason } from '../engine/suppress';
import { computeLinks, Unit, WorkspaceLinks } from '../workspace/links';
import { HALF_SCORE_PENALTY, MAX_BLAST, penaltyOf, scoreFrom, SEVERITY_RANK, statusFrom, WEIGHTS } from './score';
import { CATEGORY_SECTION, categoriesOf, SECTIONS, sectionIdOf } from './sections';
import type { FileKind } from '../model/common';
import type { Report, ReportFile, ReportFinding, ReportSection, SectionCheck } from './types';

export interface ReportInput {
  results: AnalysisResult[];
  /** Cross-file links; computed from the results (and the disk) when not given. */
  links?: WorkspaceLinks;
  /** Workspace folders: paths in the report are relative to them. */
  roots: string[];
}

export const FIX_FIRST = 5;

/** The common parent folder of the roots (a file root counts as its folder). */
export function baseOf(roots: string[]): string {
  const dirs = roots.map((r) => path.resolve(r));
  if (!dirs.length) return process.cwd();
  let base = dirs[0];
  for (const d of dirs.slice(1)) {
    while (!(d === base || d.startsWith(base.endsWith(path.sep) ? base : base + path.sep))) base = path.dirname(base);
  }
  return base;
}

function rel(base: string, abs: string): string {
  const r = path.relative(base, abs);
  return (r === '' ? path.basename(abs) : r).split(path.sep).join('/');
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Ranks findings to fix first: penalty, then severity, blast radius, then position (fully deterministic). */
export function fixOrder(a: ReportFinding, b: ReportFinding): number {
  return b.penalty - a.penalty || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.blast - a.blast
    || byText(a.file, b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || byText(a.ruleId, b.ruleId);
}

const KIND_WORDS: Record<FileKind, string> = { dockerfile: 'Dockerfiles', compose: 'Compose files', kubernetes: 'Kubernetes manifests', env: 'env files' };

/** "its 2 checks read only Kubernetes manifests, and this project has none". */
function notApplicableReason(checks: SectionCheck[]): string {
  const kinds = [...new Set(checks.flatMap((c) => c.kinds))].sort().map((k) => KIND_WORDS[k]);
  const read = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}` : kinds[0];
  return `its ${checks.length} check${checks.length === 1 ? '' : 's'} read ${read}, and this project has none`;
}

/** Turns per-file analyses into the workspace report. Pure: the same results always give the same report. */
export function buildReport(input: ReportInput): Report {
  const results = [...input.results].sort((a, b) => byText(a.path, b.path));
  const base = baseOf(input.roots.length ? input.roots : results.map((r) => path.dirname(r.path)));
  const links = input.links ?? computeLinks(results, (p) => results.some((r) => r.path === p));
  const units = Math.max(1, links.units.length);
  const seen = new Map<string, number>();

  const ruleById = new Map(allRules.map((rule) => [rule.id, rule]));
  const sectionOfFinding = (f: Finding) => { const rule = ruleById.get(f.ruleId); return rule ? sectionIdOf(rule) : CATEGORY_SECTION[f.category]; };
  const relOf = new Map<string, string>();
  const relPath = (abs: string) => relOf.get(abs) ?? (relOf.set(abs, rel(base, abs)), relOf.get(abs)!);
  const label = (u: Unit) => (u.type === 'image' ? relPath(u.file) : `${relPath(u.file)} › ${u.name}`);
  const convert = (r: AnalysisResult, f: Finding): ReportFinding => {
    const file = relPath(r.path);
    const reached = links.affected(r.path, f.range);
    const blast = Math.max(1, reached.length);
    const key = `${f.ruleId}\u0000${file}\u0000${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const out: ReportFinding = {
      fingerprint: createHash('sha256').update(`${key}\u0000${n}`).digest('hex').slice(0, 32),
      file, fileKind: r.kind, ruleId: f.ruleId, category: f.category, section: sectionOfFinding(f),
      severity: f.severity, message: f.message, range: f.range, blast,
      affects: reached.map((u) => label(u)).sort(byText),
      penalty: penaltyOf(f.severity, blast),
    };
    const reason = meaningfulReason(f.suppressed?.reason);
    if (f.suppressed && reason) { out.accepted = { reason, by: f.suppressed.by }; out.penalty = 0; }
    else if (f.suppressed) out.suppressedWithoutReason = true;
    return out;
  };

  const linksFrom = new Map<string, WorkspaceLinks['links']>();
  const linksTo = new Map<string, WorkspaceLinks['links']>();
  for (const l of links.links) {
    (linksFrom.get(l.from) ?? linksFrom.set(l.from, []).get(l.from)!).push(l);
    if (l.to) (linksTo.get(l.to) ?? linksTo.set(l.to, []).get(l.to)!).push(l);
  }
  const all: ReportFinding[] = [];
  const files: ReportFile[] = [];
  const problems: Report['problems'] = [];
  for (const r of results) {
    const mine = [...r.findings, ...r.suppressed].map((f) => convert(r, f));
    all.push(...mine);
    const open = mine.filter((f) => !f.accepted);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of open) counts[f.severity]++;
    const file = relPath(r.path);
    for (const p of r.problems) problems.push({ file, line: p.range.start.line + 1, severity: p.severity, message: p.message });
    const usedBy = r.kind === 'dockerfile' ? links.usersOf(r.path) : [];
    const referencing = (linksTo.get(r.path) ?? []).filter((l) => l.type !== 'build' && l.type !== 'image').map((l) => `${relPath(l.from)}${l.fromUnit ? ` › ${l.fromUnit}` : ''}`);
    files.push({
      file, kind: r.kind,
      score: scoreFrom(open.reduce((s, f) => s + f.penalty, 0), 1), status: statusFrom(open), counts,
      accepted: mine.length - open.length, problems: r.problems.length,
      usedBy: [...new Set([...usedBy.map((u) => label(u)), ...referencing])].sort(byText),
      links: (linksFrom.get(r.path) ?? []).map((l) => ({ type: l.type, to: l.toObject ?? (l.to ? relPath(l.to) : ''), missing: l.missing })),
    });
  }

  const kindsPresent = new Set(results.map((r) => r.kind).filter((k): k is FileKind => !!k));
  const sections: ReportSection[] = SECTIONS.map((s) => {
    const cats = categoriesOf(s.id, allRules);
    const mine = all.filter((f) => f.section === s.id);
    const open = mine.filter((f) => !f.accepted).sort(fixOrder);
    const penalty = open.reduce((sum, f) => sum + f.penalty, 0);
    const checkList: SectionCheck[] = allRules.filter((rule) => sectionIdOf(rule) === s.id).map((rule) => ({
      ruleId: rule.id, title: rule.title, kinds: [...rule.kinds],
      applicable: rule.kinds.some((k) => kindsPresent.has(k)),
      findings: open.filter((f) => f.ruleId === rule.id).length,
    })).sort((a, b) => byText(a.ruleId, b.ruleId));
    const assessed = checkList.filter((c) => c.applicable).length;
    // No rule that applies here (and nothing found): not assessed, in every export too; never a free 100/pass.
    const scored = assessed > 0 || mine.length > 0;
    return {
      id: s.id, title: s.title, good: s.good, score: scored ? scoreFrom(penalty, units) : null, status: scored ? statusFrom(open) : 'not-assessed',
      categories: cats, checks: checkList.length, checkList, assessed,
      notApplicable: checkList.length && !assessed ? notApplicableReason(checkList) : undefined, penalty,
      findings: open, accepted: mine.filter((f) => f.accepted).sort(fixOrder),
    };
  });

  const open = all.filter((f) => !f.accepted);
  const totalPenalty = open.reduce((s, f) => s + f.penalty, 0);
  // Nothing analysed is nothing proven: a path typo must not read as a perfect score.
  const analysed = results.some((r) => r.kind);
  if (!analysed) for (const s of sections) { s.score = 0; s.status = 'fail'; }
  return {
    tool: 'seaworthy', format: 1, base,
    score: analysed ? scoreFrom(totalPenalty, units) : 0, status: analysed ? statusFrom(open) : 'fail', units,
    formula: { weights: { ...WEIGHTS }, maxBlast: MAX_BLAST, halfScorePenalty: HALF_SCORE_PENALTY },
    totals: {
      files: results.filter((r) => r.kind).length, findings: open.length,
      error: open.filter((f) => f.severity === 'error').length, warning: open.filter((f) => f.severity === 'warning').length,
      info: open.filter((f) => f.severity === 'info').length, accepted: all.length - open.length, problems: problems.length,
    },
    sections,
    fixFirst: [...open].sort(fixOrder).slice(0, FIX_FIRST),
    files, problems,
  };
}
