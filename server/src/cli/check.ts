import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisResult, AnalyzeHost } from '../engine/analyze';
import { defaultConfig, EngineConfig } from '../engine/config';
import { formatConfigErrors, LoadedProjectConfig, ProjectConfigResolver, resolveForFiles } from '../engine/project-config';
import type { Severity } from '../engine/rule';
import { collectFiles, SkippedPath } from '../workspace/files';
import { analyzePath, diskHost } from '../workspace/batch';
import { CliFinding, CliProblem, formatText, toCliFindings } from './format';
import { UsageError } from './usage';
import { printable } from '../engine/mask';
import { buildReport } from '../report/build';
import { renderSarif } from '../report/render/sarif';
import { CHECK_FORMATS, CheckFormat, CheckOutput, isCheckFormat, renderCiFormat } from './formats';
import { repositoryPath, repositoryRootOf } from './formats/paths';
import { applyBaseline, fingerprintFindings, loadBaseline, recordBaseline } from './baseline';
import { emptyScanExit } from './empty-scan';
import { VERSION } from './version';

export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface CheckOptions {
  paths: string[]; format: CheckFormat; failOn: Severity;
  output?: string; baseline?: string; writeBaseline?: string; allowEmpty?: boolean;
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
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.paths.push(a);
  }
  if (!opts.paths.length) throw new UsageError('no PATH given');
  return opts;
}

/** Shows paths as the user gave them, or relative to the current directory. */
export function displayPath(file: string): string {
  return path.isAbsolute(file) ? path.relative(process.cwd(), file) || file : file;
}

export async function runCheck(opts: CheckOptions, config: EngineConfig = defaultConfig(), out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
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
  const results: AnalysisResult[] = [];
  // The scanned files form the manifest catalogue: references resolve across them, as in `report`.
  const host = diskHost(config, undefined, files);
  for (const file of files) {
    const { outcome, result } = await checkFile(file, configOf(file), host);
    if (outcome.scanned) output.scanned.push(withRepoPath({ file: outcome.shown }));
    output.findings.push(...fingerprintFindings(outcome.findings, result, repoRoot));
    output.problems.push(...outcome.problems.map(withRepoPath));
    for (const e of outcome.errors) err.write(e);
    // Only SARIF needs the models afterwards; holding every file's model made large runs collect garbage far more.
    if (opts.format === 'sarif') results.push(result);
  }
  const empty = emptyScanExit(output.scanned.length, opts.paths, Boolean(opts.allowEmpty), err);
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
  const rendered = render(opts, output, results, repoRoot);
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

function render(opts: CheckOptions, o: CheckOutput, results: AnalysisResult[], repoRoot: string): string {
  const plain = (f: CliFinding): CliFinding => ({ file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, ruleId: f.ruleId, category: f.category, severity: f.severity, message: f.message });
  const plainProblem = (p: CliProblem): CliProblem => ({ file: p.file, line: p.line, column: p.column, severity: p.severity, message: p.message });
  switch (opts.format) {
    case 'sarif': return renderSarif(buildReport({ results, roots: opts.paths }), { toolVersion: VERSION, srcRoot: repoRoot });
    case 'json': return JSON.stringify({ findings: o.findings.map(plain), problems: o.problems.map(plainProblem), filesScanned: o.scanned.length }, null, 2) + '\n';
    case 'text': return formatText(o.findings, o.problems, o.scanned.length);
    default: return renderCiFormat(opts.format, o, opts.failOn);
  }
}

/** What `check` prints for one file. */
interface FileOutcome { shown: string; findings: CliFinding[]; problems: CliProblem[]; errors: string[]; scanned: boolean }

async function checkFile(file: string, config: EngineConfig, host: AnalyzeHost): Promise<{ outcome: FileOutcome; result: AnalysisResult }> {
  const r = await analyzePath(file, config, host);
  const shown = displayPath(file);
  const c = toCliFindings(shown, r);
  return {
    result: r,
    outcome: {
      shown,
      findings: [...c.findings, ...unusedSuppressionFindings(shown, r, config)].sort((a, b) => a.line - b.line || a.column - b.column),
      problems: c.problems,
      errors: r.ruleErrors.map((e) => `${printable(`seaworthy: internal error in rule ${e.ruleId} on ${shown}: ${e.message.split('\n')[0]}`)}\n`),
      scanned: Boolean(r.kind || r.problems.length),
    },
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
