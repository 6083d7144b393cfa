/** Every file of corpus/real: findings per rule, rule errors, parse problems, crashes and time. */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText } from '../../server/src/engine/analyze';
import { defaultConfig } from '../../server/src/engine/config';
import { detectKind } from '../../server/src/parse/detect';
import { allRules } from '../../server/src/rules';
import { corpusDir, readManifest, REAL_KINDS } from './corpus';

export interface RealFinding { file: string; line: number; ruleId: string; message: string; templated: boolean }

export interface RealReport {
  scanned: number;
  analysed: number;
  /** Manifest kind → files scanned but not analysed (env files, secret files, Helm values, ...). */
  ignored: Record<string, number>;
  bytes: number;
  /** Per manifest kind: files analysed, files with problems, problem count, findings. */
  perKind: Record<string, { files: number; problemFiles: number; problems: number; findings: number }>;
  perRule: { ruleId: string; category: string; findings: number; files: number; per100: number; inTemplated: number }[];
  ruleErrors: { file: string; ruleId: string; message: string }[];
  problems: { file: string; kind: string; line: number; message: string }[];
  crashes: { file: string; message: string }[];
  /** Files whose kind detection (by name and content, as in the editor) disagrees with the manifest. */
  detectMismatches: { file: string; manifest: string; detected?: string }[];
  findings: RealFinding[];
  ms: number;
  /** Second pass, same files, warm JIT: the number to compare between runs. */
  warmMs: number;
}

async function pass(rows: { abs: string; text: string; kind: string }[], collect?: (i: number, r: Awaited<ReturnType<typeof analyzeText>> | Error) => void): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    try {
      // Every rule (strict): the real corpus checks that no rule crashes and counts each rule's findings.
      const r = await analyzeText(row.abs, row.text, { ...defaultConfig(), ruleSet: 'strict' }, { fileExists: (p) => fs.existsSync(p) }, REAL_KINDS[row.kind]);
      collect?.(i, r);
    } catch (e) {
      collect?.(i, e as Error);
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function runReal(): Promise<RealReport> {
  const corpus = corpusDir();
  const manifest = readManifest(corpus);
  const report: RealReport = {
    scanned: manifest.length, analysed: 0, ignored: {}, bytes: 0, perKind: {}, perRule: [], ruleErrors: [], problems: [],
    crashes: [], detectMismatches: [], findings: [], ms: 0, warmMs: 0,
  };
  const rows: { abs: string; text: string; kind: string; rel: string; templated: boolean }[] = [];
  for (const m of manifest) {
    const abs = path.join(corpus, 'real', m.path);
    // Reading is not part of the timing: the editor hands us text.
    const text = fs.readFileSync(abs, 'utf8');
    report.bytes += Buffer.byteLength(text);
    if (!REAL_KINDS[m.kind]) { report.ignored[m.kind] = (report.ignored[m.kind] ?? 0) + 1; continue; }
    rows.push({ abs, text, kind: m.kind, rel: m.path, templated: m.templated });
    const detected = detectKind(abs, text);
    if (detected !== REAL_KINDS[m.kind]) report.detectMismatches.push({ file: m.path, manifest: m.kind, detected });
  }
  report.analysed = rows.length;

  const perRule = new Map<string, { findings: number; files: Set<string>; inTemplated: number }>();
  report.ms = await pass(rows, (i, r) => {
    const row = rows[i];
    const k = (report.perKind[row.kind] ??= { files: 0, problemFiles: 0, problems: 0, findings: 0 });
    k.files++;
    if (r instanceof Error) { report.crashes.push({ file: row.rel, message: r.stack ?? r.message }); return; }
    if (r.problems.length) { k.problemFiles++; k.problems += r.problems.length; }
    for (const p of r.problems) report.problems.push({ file: row.rel, kind: row.kind, line: p.range.start.line + 1, message: p.message });
    for (const e of r.ruleErrors) report.ruleErrors.push({ file: row.rel, ...e });
    k.findings += r.findings.length;
    for (const f of r.findings) {
      report.findings.push({ file: row.rel, line: f.range.start.line + 1, ruleId: f.ruleId, message: f.message, templated: row.templated });
      const s = perRule.get(f.ruleId) ?? { findings: 0, files: new Set<string>(), inTemplated: 0 };
      s.findings++; s.files.add(row.rel); if (row.templated) s.inTemplated++;
      perRule.set(f.ruleId, s);
    }
  });
  report.warmMs = await pass(rows);
  const category = new Map(allRules.map((r) => [r.id, r.category as string]));
  for (const rule of allRules) if (!perRule.has(rule.id)) perRule.set(rule.id, { findings: 0, files: new Set(), inTemplated: 0 });
  report.perRule = [...perRule].map(([ruleId, s]) => ({
    ruleId, category: category.get(ruleId) ?? '?', findings: s.findings, files: s.files.size,
    per100: rows.length ? (100 * s.findings) / rows.length : 0, inTemplated: s.inTemplated,
  })).sort((a, b) => b.findings - a.findings || a.ruleId.localeCompare(b.ruleId));
  return report;
}
