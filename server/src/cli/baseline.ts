import { createHash } from 'crypto';
import * as path from 'path';
import type { AnalysisResult, Finding } from '../engine/analyze';
import { BaselineError, BaselineFile, BaselineMatcher, baselineOf, baselinePath, fingerprintOf, readBaseline, writeBaseline } from '../engine/baseline';
import { printable } from '../engine/mask';
import type { CliFinding } from './format';
import { repositoryPath } from './formats/paths';
import type { CheckedFinding } from './formats/types';

const positionKey = (ruleId: string, line: number, column: number, endLine: number, endColumn: number, message: string) =>
  `${ruleId}\u0000${line}:${column}-${endLine}:${endColumn}\u0000${message}`;

/** Adds each finding's repository path, baseline fingerprint and engine finding. */
export function fingerprintFindings(findings: CliFinding[], r: AnalysisResult, repoRoot: string): CheckedFinding[] {
  const engine = new Map<string, Finding>();
  for (const f of r.findings) engine.set(positionKey(f.ruleId, f.range.start.line + 1, f.range.start.character + 1, f.range.end.line + 1, f.range.end.character + 1, f.message), f);
  const source = r.model?.source;
  return findings.map((f) => {
    const range = { start: { line: f.line - 1, character: f.column - 1 }, end: { line: f.endLine - 1, character: f.endColumn - 1 } };
    const fingerprint = source
      ? fingerprintOf({ ruleId: f.ruleId, range, message: f.message }, source, r.secrets)
      : createHash('sha256').update(`${f.ruleId}\u0000${f.message}`).digest('hex').slice(0, 20);
    return { ...f, repoPath: repositoryPath(repoRoot, f.file), fingerprint, source: engine.get(positionKey(f.ruleId, f.line, f.column, f.endLine, f.endColumn, f.message)) };
  });
}

/** Reads `--baseline FILE`; null (after printing why) when it cannot be used. */
export function loadBaseline(file: string, err: NodeJS.WritableStream): { file: string; data: BaselineFile } | null {
  try { return { file, data: readBaseline(file) }; } catch (e) {
    if (!(e instanceof BaselineError)) throw e;
    err.write(`seaworthy: ${printable(e.message)}\n`);
    return null;
  }
}

const candidate = (baselineDir: string) => (f: CheckedFinding) => ({ file: baselinePath(baselineDir, path.resolve(f.file)), ruleId: f.ruleId, fingerprint: f.fingerprint, message: f.message });

/** The findings the baseline does not cover, in their order. */
export function applyBaseline(baseline: { file: string; data: BaselineFile }, findings: CheckedFinding[]): CheckedFinding[] {
  const matcher = new BaselineMatcher(baseline.data);
  const toCandidate = candidate(path.dirname(path.resolve(baseline.file)));
  return findings.filter((f) => !matcher.take(toCandidate(f)));
}

/** Writes every finding into the baseline file (replacing it, so fixed findings drop out); returns the count. */
export function recordBaseline(file: string, findings: CheckedFinding[]): number {
  writeBaseline(file, baselineOf(findings.map(candidate(path.dirname(path.resolve(file))))));
  return findings.length;
}
