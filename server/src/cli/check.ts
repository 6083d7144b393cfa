import * as path from 'path';
import type { AnalysisResult } from '../engine/analyze';
import { defaultConfig, EngineConfig } from '../engine/config';
import { formatConfigErrors, LoadedProjectConfig, ProjectConfigResolver, resolveForFiles } from '../engine/project-config';
import type { Severity } from '../engine/rule';
import { collectFiles, SkippedPath } from '../workspace/files';
import { ScaleOptions, parseScaleOption, scanRecords, shardPayload } from './scale';
import { CliFinding, CliProblem, formatText, toCliFindings } from './format';
import { UsageError } from './usage';
import { printable } from '../engine/mask';
import { buildReport } from '../report/build';
import { renderSarif } from '../report/render/sarif';

export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

interface CheckOptions { paths: string[]; format: 'text' | 'json' | 'sarif'; failOn: Severity; scale?: ScaleOptions }

export function parseCheckArgs(args: string[]): CheckOptions {
  const opts: CheckOptions = { paths: [], format: 'text', failOn: 'error' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => { const v = inline ?? args[++i]; if (v === undefined) throw new UsageError(`${flag} needs a value`); return v; };
    if (flag === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`unknown format "${v}" (use text, json or sarif)`);
      opts.format = v;
    } else if (flag === '--fail-on') {
      const v = value();
      if (!(v in RANK)) throw new UsageError(`unknown severity "${v}" for --fail-on (use error, warning or info)`);
      opts.failOn = v as Severity;
    } else if (parseScaleOption(flag, value, (opts.scale ??= {}))) {
      // --cache, --cache-location, --jobs, --shard (cli/scale.ts)
    } else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.paths.push(a);
  }
  if (!opts.paths.length) throw new UsageError('no PATH given');
  return opts;
}

/** Shows paths as the user gave them, or relative to the current directory. */
export function displayPath(file: string): string {
  return path.isAbsolute(file) ? path.relative(process.cwd(), file) || file : file;
}

export async function runCheck(opts: CheckOptions, config: EngineConfig = defaultConfig(), out = process.stdout, err = process.stderr): Promise<number> {
  const resolver = new ProjectConfigResolver();
  const collected = collectFiles(opts.paths, (p) => resolver.forFile(p).ignored);
  const { missing } = collected;
  for (const m of missing) err.write(`seaworthy: ${m}: no such file or directory\n`);
  if (missing.length && !collected.files.length) return 2;
  const { files, configOf, broken } = resolveForFiles(collected.files, config, resolver);
  if (reportBrokenConfigs(broken, err)) return 2;
  const walkProblems = skippedProblems(collected.skipped);
  const records = await scanRecords({ files, roots: opts.paths, configOf, baseConfig: config, scale: opts.scale ?? {}, err });
  const outcomes = records.map(({ file, record }) => checkOutcome(file, record.result, configOf(file)));
  for (const o of outcomes) for (const e of o.errors) err.write(e);
  const results = opts.format === 'sarif' ? records.map((r) => r.record.result) : [];
  const shard = opts.scale?.shard && shardPayload(opts.scale.shard, files, records, outcomes, walkProblems, opts.paths, opts.format === 'sarif');
  out.write(renderCheck(opts.format, outcomes, walkProblems, results, opts.paths, shard));
  const { findings, problems } = flatten(outcomes, walkProblems);
  const worst = [...findings, ...problems].some((f) => RANK[f.severity] >= RANK[opts.failOn]);
  return worst ? 1 : 0;
}

/** What `check` prints for one file. */
export interface FileOutcome { findings: CliFinding[]; problems: CliProblem[]; errors: string[]; scanned: boolean }

export function checkOutcome(file: string, r: AnalysisResult, config: EngineConfig): FileOutcome {
  const shown = displayPath(file);
  const c = toCliFindings(shown, r);
  return {
    findings: [...c.findings, ...unusedSuppressionFindings(shown, r, config)].sort((a, b) => a.line - b.line || a.column - b.column),
    problems: c.problems,
    errors: r.ruleErrors.map((e) => `${printable(`seaworthy: internal error in rule ${e.ruleId} on ${shown}: ${e.message.split('\n')[0]}`)}\n`),
    scanned: Boolean(r.kind || r.problems.length),
  };
}

function flatten(outcomes: FileOutcome[], walkProblems: CliProblem[]): { findings: CliFinding[]; problems: CliProblem[]; scanned: number } {
  return {
    findings: outcomes.flatMap((o) => o.findings),
    problems: [...walkProblems, ...outcomes.flatMap((o) => o.problems)],
    scanned: outcomes.filter((o) => o.scanned).length,
  };
}

/** The output of `check` (and of `merge`, which renders the shards' files together). `extra` rides along in a shard's output. */
export function renderCheck(format: CheckOptions['format'], outcomes: FileOutcome[], walkProblems: CliProblem[], results: AnalysisResult[], roots: string[], extra?: object): string {
  const { findings, problems, scanned } = flatten(outcomes, walkProblems);
  if (format === 'sarif') {
    const sarif = renderSarif(buildReport({ results, roots }));
    if (!extra) return sarif;
    const log = JSON.parse(sarif) as { runs: { properties: Record<string, unknown> }[] };
    Object.assign(log.runs[0].properties, extra);
    return JSON.stringify(log, null, 2) + '\n';
  }
  if (format === 'json') return JSON.stringify({ findings, problems, filesScanned: scanned, ...extra }, null, 2) + '\n';
  return formatText(findings, problems, scanned);
}

/** What the folder walk did not look into (unreadable folders, links, FIFOs), as problems. */
export function skippedProblems(skipped: SkippedPath[]): CliProblem[] {
  return skipped.map((s) => ({ file: displayPath(s.path), line: 1, column: 1, severity: s.severity, message: s.message }));
}

/** Config files with errors stop a batch command (exit 2) with `file:line:col: message` lines. */
export function reportBrokenConfigs(broken: LoadedProjectConfig[], err: NodeJS.WritableStream): boolean {
  for (const b of broken) err.write(`seaworthy: invalid configuration:\n${formatConfigErrors(b, displayPath)}\n`);
  return broken.length > 0;
}

/** Suppression comments that matched nothing, as findings (the editor shows them as faded hints). */
export function unusedSuppressionFindings(file: string, r: AnalysisResult, config: EngineConfig): CliFinding[] {
  const level = config.rules['unused-suppression'] ?? 'info';
  if (level === 'off') return [];
  return r.unusedSuppressions.map((s) => ({
    file, line: s.range.start.line + 1, column: s.range.start.character + 1, endLine: s.range.end.line + 1, endColumn: s.range.end.character + 1,
    ruleId: 'unused-suppression', category: 'codebase', severity: level,
    message: `This seaworthy-ignore comment suppresses nothing${s.ruleIds.length ? ` (${s.ruleIds.join(', ')})` : ''}; remove it.`,
  }));
}
