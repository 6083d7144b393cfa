import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisResult } from '../engine/analyze';
import { defaultConfig, EngineConfig } from '../engine/config';
import { formatConfigErrors, LoadedProjectConfig, ProjectConfigResolver, resolveForFiles } from '../engine/project-config';
import type { Severity } from '../engine/rule';
import { collectFiles, SkippedPath } from '../workspace/files';
import { analyzePath, diskHost } from '../workspace/batch';
import { CliFinding, CliProblem, toCliFindings } from './format';
import { counted, countedResult, readSelectionFlag, selectedText, SelectionOptions, withRuleSet } from './selection';
import { UsageError } from './usage';
import { printable } from '../engine/mask';
import { buildReport } from '../report/build';
import { renderSarif } from '../report/render/sarif';
import { CHECK_FORMATS, CheckFormat, CheckOutput, isCheckFormat, renderCiFormat } from './formats';
import { repositoryPath, repositoryRootOf } from './formats/paths';
import { applyBaseline, fingerprintFindings, loadBaseline, recordBaseline } from './baseline';
import { emptyScanExit } from './empty-scan';
import { VERSION } from './version';
import { ScaleOptions, parseScaleOption, scanRecords, checkedFindings, shardPayload, withShard } from './scale';

export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface CheckOptions extends SelectionOptions {
  paths: string[]; format: CheckFormat; failOn: Severity;
  output?: string; baseline?: string; writeBaseline?: string; allowEmpty?: boolean;
  /** --cache, --jobs, --shard (cli/scale.ts). */
  scale?: ScaleOptions;
}

export function parseCheckArgs(args: string[]): CheckOptions {
  const opts: CheckOptions = { paths: [], format: 'text', failOn: 'error' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => { const v = inline ?? args[++i]; if (v === undefined) throw new UsageError(`${flag} needs a value`); return v; };
    if (flag === '--format') {
      const v = value();
      if (!isCheckFormat(v)) throw new UsageError(`unknown format "${v}" (use ${CHECK_FORMATS.join(', ')})`);
      opts.format = v;
    } else if (flag === '--fail-on') {
      const v = value();
      if (!(v in RANK)) throw new UsageError(`unknown severity "${v}" for --fail-on (use error, warning or info)`);
      opts.failOn = v as Severity;
    } else if (flag === '--output' || flag === '-o') opts.output = value();
    else if (flag === '--baseline') opts.baseline = value();
    else if (flag === '--write-baseline') opts.writeBaseline = value();
    else if (flag === '--allow-empty') opts.allowEmpty = true;
    else if (parseScaleOption(flag, value, (opts.scale ??= {}))) continue;
    else if (readSelectionFlag(flag, value, opts)) continue;
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.paths.push(a);
  }
  if (!opts.paths.length) throw new UsageError('no PATH given');
  if (opts.scale?.shard && ((opts.format !== 'json' && opts.format !== 'sarif') || opts.writeBaseline)) throw new UsageError('--shard writes JSON or SARIF for `seaworthy merge` (use --format json or sarif, without --write-baseline)');
  return opts;
}

/** Shows paths as the user gave them, or relative to the current directory. */
export function displayPath(file: string): string {
  return path.isAbsolute(file) ? path.relative(process.cwd(), file) || file : file;
}

export async function runCheck(opts: CheckOptions, base: EngineConfig = defaultConfig(), out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const config = withRuleSet(base, opts);
  const resolver = new ProjectConfigResolver();
  const collected = collectFiles(opts.paths, (p) => resolver.forFile(p).ignored);
  const { missing } = collected;
  for (const m of missing) err.write(`seaworthy: ${m}: no such file or directory\n`);
  if (missing.length && !collected.files.length) return 2;
  const { files, configOf, broken } = resolveForFiles(collected.files, config, resolver);
  if (reportBrokenConfigs(broken, err)) return 2;
  const baseline = opts.baseline ? loadBaseline(opts.baseline, err) : undefined;
  if (baseline === null) return 2;
  const repoRoot = repositoryRootOf();
  const output: CheckOutput = { findings: [], problems: [], scanned: [] };
  const withRepoPath = <T extends { file: string }>(x: T) => ({ ...x, repoPath: repositoryPath(repoRoot, x.file) });
  output.problems.push(...skippedProblems(collected.skipped).map(withRepoPath));
  const walkCount = output.problems.length;
  const results: AnalysisResult[] = [];
  // The scanned files form the manifest catalogue: references resolve across them, as in `report`.
  // (In worker threads when there are many, from the cache with --cache, a share with --shard: cli/scale.ts.)
  const records = await scanRecords({ files, roots: opts.paths, configOf, baseConfig: config, scale: opts.scale ?? {}, err });
  for (const { file, record } of records) {
    const result = record.result;
    const outcome = checkOutcome(file, result, configOf(file));
    if (outcome.scanned) output.scanned.push(withRepoPath({ file: outcome.shown }));
    output.findings.push(...checkedFindings(outcome.findings, record, repoRoot));
    output.problems.push(...outcome.problems.map(withRepoPath));
    for (const e of outcome.errors) err.write(e);
    if (opts.format === 'sarif') results.push(result);
  }
  // A shard may get no file of a run that has some: not an empty scan.
  const empty = opts.scale?.shard && files.length ? undefined : emptyScanExit(output.scanned.length, opts.paths, Boolean(opts.allowEmpty), err);
  if (empty !== undefined) return empty;
  if (opts.writeBaseline) {
    const n = recordBaseline(opts.writeBaseline, output.findings);
    err.write(`seaworthy: baseline ${opts.writeBaseline} records ${n} finding${n === 1 ? '' : 's'} in ${output.scanned.length} file${output.scanned.length === 1 ? '' : 's'}\n`);
    return 0;
  }
  let hidden = 0;
  if (baseline) {
    const kept = applyBaseline(baseline, output.findings);
    hidden = output.findings.length - kept.length;
    output.findings = kept;
    const keep = new Set(kept.map((f) => f.source).filter(Boolean));
    for (const r of results) r.findings = r.findings.filter((f) => keep.has(f));
  }
  // Below --min-severity a finding does not exist for this run; text output still sums up what it did not list.
  const everything = { findings: output.findings, problems: output.problems };
  output.findings = counted(output.findings, opts);
  output.problems = counted(output.problems, opts);
  const plainRendered = render(opts, output, results.map((r) => countedResult(r, opts)), repoRoot, everything);
  const rendered = opts.scale?.shard ? withShard(opts.format, plainRendered, shardPayload(opts.scale.shard, files, opts.paths, walkCount, output, results)) : plainRendered;
  if (hidden) err.write(`seaworthy: ${hidden} finding${hidden === 1 ? '' : 's'} in the baseline ${opts.baseline} not shown\n`);
  if (opts.output) {
    fs.mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
    fs.writeFileSync(opts.output, rendered);
    err.write(`seaworthy: ${output.findings.length} finding${output.findings.length === 1 ? '' : 's'} in ${output.scanned.length} file${output.scanned.length === 1 ? '' : 's'}; ${opts.format} written to ${opts.output}\n`);
  } else out.write(rendered);
  // A path that does not exist is a mistake in the call, even when the other paths were checked.
  if (missing.length) return 2;
  const worst = [...output.findings, ...output.problems].some((f) => RANK[f.severity] >= RANK[opts.failOn]);
  return worst ? 1 : 0;
}

export function render(opts: Pick<CheckOptions, 'format' | 'paths' | 'failOn'> & Partial<SelectionOptions>, o: CheckOutput, results: AnalysisResult[], repoRoot: string, everything: Pick<CheckOutput, 'findings' | 'problems'> = o): string {
  const plain = (f: CliFinding): CliFinding => ({ file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, ruleId: f.ruleId, category: f.category, severity: f.severity, message: f.message });
  const plainProblem = (p: CliProblem): CliProblem => ({ file: p.file, line: p.line, column: p.column, severity: p.severity, message: p.message });
  switch (opts.format) {
    case 'sarif': return renderSarif(buildReport({ results, roots: opts.paths }), { toolVersion: VERSION, srcRoot: repoRoot });
    case 'json': return JSON.stringify({ findings: o.findings.map(plain), problems: o.problems.map(plainProblem), filesScanned: o.scanned.length }, null, 2) + '\n';
    case 'text': return selectedText(everything.findings, everything.problems, o.scanned.length, opts);
    default: return renderCiFormat(opts.format, o, opts.failOn);
  }
}

/** What `check` prints for one file. */
export interface FileOutcome { shown: string; findings: CliFinding[]; problems: CliProblem[]; errors: string[]; scanned: boolean }

export function checkOutcome(file: string, r: AnalysisResult, config: EngineConfig): FileOutcome {
  const shown = displayPath(file);
  const c = toCliFindings(shown, r);
  return {
    shown,
    findings: [...c.findings, ...unusedSuppressionFindings(shown, r, config)].sort((a, b) => a.line - b.line || a.column - b.column),
    problems: c.problems,
    errors: r.ruleErrors.map((e) => `${printable(`seaworthy: internal error in rule ${e.ruleId} on ${shown}: ${e.message.split('\n')[0]}`)}\n`),
    scanned: Boolean(r.kind || r.problems.length),
  };
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
