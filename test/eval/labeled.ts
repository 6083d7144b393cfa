/** Recall and false positives on the KICS labeled tests, per mapped query (corpus/README.md "Benchmark recipe"). */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import type { Category, RuleSet } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules';
import { IndexRow, kindOfTestFile, readQuery } from './corpus';
import { KICS_MAP, mappedQueries, NOT_SHARED, REVIEWED, RuleMapping, splitQuery } from './kics-map';
import { blockFinder, matchLines } from './match';

export interface FileNote { file: string; line: number; ruleId?: string; message?: string }

export interface QueryResult {
  key: string;
  kind: string;
  category: Category;
  topics: string[];
  rules: string[];
  /** Mapped rules that do not exist yet (the query is measured with the others). */
  notImplemented: string[];
  expected: number;
  matched: number;
  extra: number;
  negFiles: number;
  fpFiles: number;
  fpCount: number;
  /** Findings of any rule of the query's category on its negatives (the target is zero). */
  catFpFiles: number;
  catFpCount: number;
  missed: FileNote[];
  extras: FileNote[];
  fps: FileNote[];
  catFps: FileNote[];
  /** Findings listed in REVIEWED: right, though KICS lists none there (not counted as extra or FP). */
  reviewed: FileNote[];
  problems: FileNote[];
  ruleErrors: { file: string; ruleId: string; message: string }[];
}

export interface ContraryResult { key: string; category: Category; files: number; findings: FileNote[] }

export interface LabeledReport {
  queries: QueryResult[];
  /** Mapped queries none of whose rules exist yet. */
  pending: { key: string; category: Category; rules: string[] }[];
  contrary: ContraryResult[];
  /** `planned` ids that now exist (the flag can go), and implemented rules whose category differs from the map's. */
  mapNotes: string[];
}

const implemented = () => new Map(allRules.map((r) => [r.id, r]));

/** The configuration of the run under way (runLabeled sets it; runs are sequential). */
let runConfig: EngineConfig = { ...defaultConfig(), ruleSet: 'strict' };

async function analyse(file: string, kind: ReturnType<typeof kindOfTestFile>, cache: Map<string, AnalysisResult>): Promise<AnalysisResult | undefined> {
  if (!kind) return undefined;
  const hit = cache.get(file);
  if (hit) return hit;
  const text = fs.readFileSync(file, 'utf8');
  const r = await analyzeText(file, text, runConfig, { fileExists: (p) => fs.existsSync(p) }, kind);
  cache.set(file, r);
  return r;
}

const note = (file: string, f: Finding): FileNote => ({ file, line: f.range.start.line + 1, ruleId: f.ruleId, message: f.message });

/** The REVIEWED entry accepting this finding in `<kind>/<query>/<file>`, if any. */
function reviewedWhy(relFile: string, f: Finding): string | undefined {
  return REVIEWED.find((r) => r.file === relFile && r.rule === f.ruleId && (r.line === undefined || r.line === f.range.start.line + 1))?.why;
}

async function evalQuery(key: string, mappings: RuleMapping[], category: Category, row: IndexRow | undefined, cache: Map<string, AnalysisResult>): Promise<QueryResult> {
  const ids = implemented();
  const rules = mappings.map((m) => m.rule).filter((r) => ids.has(r));
  const { kind } = splitQuery(key);
  const q = readQuery(key);
  const res: QueryResult = {
    key, kind, category, topics: row?.topics ?? [], rules, notImplemented: mappings.map((m) => m.rule).filter((r) => !ids.has(r)),
    expected: q.expected.length, matched: 0, extra: 0, negFiles: 0, fpFiles: 0, fpCount: 0, catFpFiles: 0, catFpCount: 0,
    missed: [], extras: [], fps: [], catFps: [], reviewed: [], problems: [], ruleErrors: [],
  };
  const ours = (f: Finding) => rules.includes(f.ruleId);
  const collect = (file: string, r: AnalysisResult) => {
    for (const p of r.problems) res.problems.push({ file, line: p.range.start.line + 1, message: p.message });
    for (const e of r.ruleErrors) res.ruleErrors.push({ file, ...e });
  };
  for (const file of q.meta.positiveFiles) {
    const r = await analyse(path.join(q.dir, file), kindOfTestFile(kind, file, q.meta), cache);
    const exp = q.expected.filter((e) => e.file === file).map((e) => e.line - 1);
    if (!r) { res.missed.push(...exp.map((l) => ({ file, line: l + 1, message: 'file kind not analysed' }))); continue; }
    collect(file, r);
    const found = r.findings.filter(ours);
    // A finding that names several spots (one unpinned-package finding per install command, its other
    // packages as related locations in the same file) answers an expected entry at each of them.
    const points = found.flatMap((f, j) => [f.range, ...(f.related ?? []).filter((x) => !x.file).map((x) => x.range)].map((range) => ({ line: range.start.line, j })));
    const m = matchLines(exp, points.map((p) => p.line), blockFinder(r.model));
    res.matched += m.matched;
    res.missed.push(...m.missed.map((l) => ({ file, line: l + 1 })));
    const usedFindings = new Set(points.filter((_, k) => !m.extra.includes(k)).map((p) => p.j));
    // KICS reports one finding per instruction where we may report one per package: a second finding
    // on a line that already matched is the same spot, not an extra.
    const matchedLines = new Set(found.filter((_, j) => usedFindings.has(j)).map((f) => f.range.start.line));
    for (const j of found.keys()) {
      if (usedFindings.has(j)) continue;
      const f = found[j], why = reviewedWhy(`${key}/${file}`, f);
      if (why) res.reviewed.push({ ...note(file, f), message: why });
      else if (!matchedLines.has(f.range.start.line)) { res.extra++; res.extras.push(note(file, f)); }
    }
  }
  for (const file of q.meta.negativeFiles) {
    const r = await analyse(path.join(q.dir, file), kindOfTestFile(kind, file, q.meta), cache);
    if (!r) continue;
    res.negFiles++;
    collect(file, r);
    const reviewed = r.findings.filter((f) => (ours(f) || f.category === category) && reviewedWhy(`${key}/${file}`, f));
    res.reviewed.push(...reviewed.map((f) => ({ ...note(file, f), message: reviewedWhy(`${key}/${file}`, f) })));
    const fp = r.findings.filter((f) => ours(f) && !reviewed.includes(f));
    const cat = r.findings.filter((f) => f.category === category && !reviewed.includes(f));
    if (fp.length) { res.fpFiles++; res.fpCount += fp.length; res.fps.push(...fp.map((f) => note(file, f))); }
    if (cat.length) { res.catFpFiles++; res.catFpCount += cat.length; res.catFps.push(...cat.map((f) => note(file, f))); }
  }
  return res;
}

async function evalContrary(key: string, category: Category, cache: Map<string, AnalysisResult>): Promise<ContraryResult> {
  const { kind } = splitQuery(key);
  const q = readQuery(key);
  const out: ContraryResult = { key, category, files: 0, findings: [] };
  for (const file of [...q.meta.positiveFiles, ...q.meta.negativeFiles]) {
    const r = await analyse(path.join(q.dir, file), kindOfTestFile(kind, file, q.meta), cache);
    if (!r) continue;
    out.files++;
    out.findings.push(...r.findings.filter((f) => f.category === category && !reviewedWhy(`${key}/${file}`, f)).map((f) => note(file, f)));
  }
  return out;
}

/** `strict` (every rule) is the recall gate; `recommended` is what a default run finds. */
export async function runLabeled(index: IndexRow[], ruleSet: RuleSet = 'strict'): Promise<LabeledReport> {
  runConfig = { ...defaultConfig(), ruleSet };
  const ids = implemented();
  const rows = new Map(index.map((r) => [`${r.kind}/${r.query}`, r]));
  const cache = new Map<string, AnalysisResult>();
  const report: LabeledReport = { queries: [], pending: [], contrary: [], mapNotes: [] };
  for (const m of KICS_MAP) {
    const rule = ids.get(m.rule);
    if (rule && m.planned) report.mapNotes.push(`${m.rule} exists now: drop its "planned" flag in test/eval/kics-map.ts`);
    if (rule && rule.category !== m.category) report.mapNotes.push(`${m.rule} is in category ${rule.category}, the map says ${m.category}: fix test/eval/kics-map.ts`);
  }
  for (const rule of allRules) {
    const mapped = new Set(KICS_MAP.filter((m) => m.rule === rule.id).flatMap((m) => m.queries.map((q) => splitQuery(q).query)));
    const unmapped = (rule.peers.kics ?? []).filter((q) => !mapped.has(q) && !Object.keys(NOT_SHARED).some((k) => splitQuery(k).query === q));
    if (unmapped.length) report.mapNotes.push(`${rule.id} names KICS peers ${unmapped.join(', ')} that the eval map neither maps nor lists as not shared`);
  }
  for (const [key, { rules, category }] of mappedQueries()) {
    if (!rules.some((m) => ids.has(m.rule))) { report.pending.push({ key, category, rules: rules.map((m) => m.rule) }); continue; }
    // The rule's own category wins over the map's (a mismatch is reported in mapNotes).
    const actual = rules.map((m) => ids.get(m.rule)?.category).find((c) => c !== undefined) ?? category;
    report.queries.push(await evalQuery(key, rules, actual, rows.get(key), cache));
  }
  for (const [key, ns] of Object.entries(NOT_SHARED)) {
    if (ns.contrary && rows.has(key)) report.contrary.push(await evalContrary(key, ns.contrary, cache));
  }
  return report;
}
