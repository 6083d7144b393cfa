import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { AnalysisResult, Finding } from '../engine/analyze';
import { BaselineFile, BaselineMatcher, baselinePath, fingerprintOf, readBaseline } from '../engine/baseline';
import type { BaselineDisplay, LoadedProjectConfig } from '../engine/project-config';
import type { ClientSettings } from './settings';

/** The baseline that applies to a document, and how its findings are shown. */
export interface EditorBaseline { file: string; display: BaselineDisplay }

/** As for rules, editor settings override the project's `.seaworthy.yaml`. */
export function baselineFor(project: LoadedProjectConfig | undefined, settings: ClientSettings, roots: string[]): EditorBaseline | undefined {
  const fromSettings = settings.baselineFindings === 'hint' || settings.baselineFindings === 'hide' ? settings.baselineFindings : undefined;
  const display = fromSettings ?? project?.config.baselineFindings ?? 'hint';
  if (typeof settings.baseline === 'string' && settings.baseline.trim()) {
    const base = roots[0] ?? process.cwd();
    return { file: path.resolve(base, settings.baseline.trim()), display };
  }
  if (project?.config.baseline) return { file: path.resolve(project.dir, project.config.baseline), display };
  return undefined;
}

/** Baseline files read from disk, re-read when their modification time changes (a CLI rewrote them). */
export class BaselineCache {
  private readonly cache = new Map<string, { stamp: number; data: BaselineFile | undefined }>();
  constructor(private readonly log: (message: string) => void) {}

  get(file: string): BaselineFile | undefined {
    let stamp: number;
    try { stamp = fs.statSync(file).mtimeMs; } catch { stamp = -1; }
    const hit = this.cache.get(file);
    if (hit && hit.stamp === stamp) return hit.data;
    let data: BaselineFile | undefined;
    try { data = readBaseline(file); } catch (e) { this.log(`baseline not used: ${(e as Error).message}`); }
    this.cache.set(file, { stamp, data });
    return data;
  }
}

/**
 * The document's diagnostics with the baseline's findings turned into hints (tagged "baseline" in the
 * message) or left out. Findings are matched in position order, as `check --baseline` does.
 */
export function applyBaseline(diagnostics: Diagnostic[], result: AnalysisResult, abs: string, baseline: EditorBaseline | undefined, cache: BaselineCache): Diagnostic[] {
  if (!baseline || !result.model || !result.findings.length) return diagnostics;
  const data = cache.get(baseline.file);
  if (!data) return diagnostics;
  const matcher = new BaselineMatcher(data);
  const file = baselinePath(path.dirname(baseline.file), abs);
  const source = result.model.source;
  const inBaseline = new Set<Finding>();
  const byPosition = [...result.findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const f of byPosition) {
    if (matcher.take({ file, ruleId: f.ruleId, fingerprint: fingerprintOf(f, source, result.secrets) })) inBaseline.add(f);
  }
  if (!inBaseline.size) return diagnostics;
  // diagnosticsFor emits one diagnostic per finding, in result.findings order, before anything else.
  const out: Diagnostic[] = [];
  diagnostics.forEach((d, i) => {
    const f = result.findings[i];
    if (i >= result.findings.length || !inBaseline.has(f)) { out.push(d); return; }
    if (baseline.display === 'hide') return;
    out.push({ ...d, severity: DiagnosticSeverity.Hint, message: `${d.message} (in the baseline)` });
  });
  return out;
}
