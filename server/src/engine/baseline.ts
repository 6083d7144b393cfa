/**
 * Baselines: the findings a project accepted when it adopted Seaworthy, so that `check --baseline` and
 * the editor show only what is new. A finding is identified by its rule, its file and a fingerprint of
 * the text it points at with the rest of its line, never by its line number: moving it, or editing
 * other lines, keeps it matched. Identical findings (same rule, file and fingerprint) are counted, so a
 * second copy of a baselined line is new.
 *
 * Secret values never reach the baseline: the fingerprint is taken on the text with every detected
 * secret replaced by a placeholder (a short password's hash could be brute-forced from a committed file).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Range, SourceText } from '../model/range';

export const BASELINE_FORMAT = 1;

/** One accepted kind of finding: `count` findings with this rule, file and fingerprint. */
export interface BaselineEntry { ruleId: string; file: string; fingerprint: string; count: number; message: string }

export interface BaselineFile { tool: 'seaworthy'; format: number; findings: BaselineEntry[] }

/** What a fingerprint is taken from: a finding's rule, position and message, and its file's text and secrets. */
export interface FingerprintInput { ruleId: string; range: Range; message: string }

const SECRET_PLACEHOLDER = '\u0000secret\u0000';

/** Whitespace changes (re-indentation, aligned columns) keep a finding's identity. */
const normalize = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * The fingerprint of a finding: the offending text on its first line and that whole line (its context),
 * with secrets replaced and whitespace normalised. A finding at the very start of an empty range uses the
 * line alone.
 */
export function fingerprintOf(f: FingerprintInput, source: SourceText, secrets: readonly Range[] = []): string {
  const line = f.range.start.line;
  const lineStart = source.lineStart(line);
  const lineEnd = source.lineEnd(line);
  let text = source.text.slice(lineStart, lineEnd);
  const spans = secrets
    .map((r) => ({ start: Math.max(source.offsetAt(r.start), lineStart) - lineStart, end: Math.min(source.offsetAt(r.end), lineEnd) - lineStart }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => b.start - a.start);
  const from = source.offsetAt(f.range.start) - lineStart;
  const to = Math.min(source.offsetAt(f.range.end), lineEnd) - lineStart;
  let offending = text.slice(from, Math.max(from, to));
  for (const s of spans) {
    text = text.slice(0, s.start) + SECRET_PLACEHOLDER + text.slice(s.end);
    // The offending part is the same slice of the line: mask what of the secret falls inside it.
    const a = Math.max(s.start, from) - from, b = Math.min(s.end, to) - from;
    if (b > a) offending = offending.slice(0, a) + SECRET_PLACEHOLDER + offending.slice(b);
  }
  return createHash('sha256').update(`${f.ruleId}\u0000${normalize(offending)}\u0000${normalize(text)}`).digest('hex').slice(0, 20);
}

/** Keys findings by file, rule and fingerprint. */
const keyOf = (e: { file: string; ruleId: string; fingerprint: string }) => `${e.file}\u0000${e.ruleId}\u0000${e.fingerprint}`;

/** A finding to compare or record: its file as the baseline spells it (relative to the baseline's folder). */
export interface BaselineCandidate { file: string; ruleId: string; fingerprint: string; message: string }

/** The baseline of some findings, sorted so that rewriting an unchanged project gives the same file. */
export function baselineOf(findings: readonly BaselineCandidate[]): BaselineFile {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const k = keyOf(f);
    const e = byKey.get(k);
    if (e) e.count++;
    else byKey.set(k, { ruleId: f.ruleId, file: f.file, fingerprint: f.fingerprint, count: 1, message: f.message });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const entries = [...byKey.values()].sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message) || cmp(a.fingerprint, b.fingerprint));
  return { tool: 'seaworthy', format: BASELINE_FORMAT, findings: entries };
}

/**
 * Which findings the baseline covers. Each entry covers at most `count` findings; the findings are taken
 * in the order given (callers pass them sorted by position, so the first copies of a line are the old ones).
 */
export class BaselineMatcher {
  private readonly remaining = new Map<string, number>();
  constructor(baseline: BaselineFile) {
    for (const e of baseline.findings) this.remaining.set(keyOf(e), (this.remaining.get(keyOf(e)) ?? 0) + e.count);
  }
  /** True (and the entry used up by one) when the baseline covers this finding. */
  take(f: { file: string; ruleId: string; fingerprint: string }): boolean {
    const k = keyOf(f);
    const n = this.remaining.get(k) ?? 0;
    if (n <= 0) return false;
    this.remaining.set(k, n - 1);
    return true;
  }
}

export class BaselineError extends Error {}

/** Reads a baseline file; a missing, unreadable or malformed file is an error with the reason. */
export function readBaseline(file: string): BaselineFile {
  let data: unknown;
  try { data = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new BaselineError(`cannot read baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const d = data as Partial<BaselineFile>;
  if (!d || d.tool !== 'seaworthy' || !Array.isArray(d.findings)) throw new BaselineError(`${file} is not a Seaworthy baseline (write one with --write-baseline)`);
  if (d.format !== BASELINE_FORMAT) throw new BaselineError(`${file} has baseline format ${String(d.format)}; this version reads format ${BASELINE_FORMAT} (rewrite it with --write-baseline)`);
  const ok = (e: Partial<BaselineEntry>) => typeof e?.ruleId === 'string' && typeof e.file === 'string' && typeof e.fingerprint === 'string';
  return { tool: 'seaworthy', format: BASELINE_FORMAT, findings: d.findings.filter(ok).map((e) => ({ ...e, count: Number.isInteger(e.count) && e.count > 0 ? e.count : 1 })) };
}

/** Writes a baseline atomically (temp file + rename). */
export function writeBaseline(file: string, baseline: BaselineFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(baseline, null, 2) + '\n');
  fs.renameSync(temp, file);
}

/** A file's path as a baseline in `baselineDir` spells it: relative, with forward slashes. */
export function baselinePath(baselineDir: string, absFile: string): string {
  return path.relative(baselineDir, absFile).split(path.sep).join('/');
}
