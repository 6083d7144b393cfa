import * as path from 'path';
import type { AnalysisResult, AnalyzeHost } from '../engine/analyze';
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

export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

interface CheckOptions extends SelectionOptions { paths: string[]; format: 'text' | 'json' | 'sarif'; failOn: Severity }

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
    } else if (readSelectionFlag(flag, value, opts)) continue;
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

export async function runCheck(opts: CheckOptions, base: EngineConfig = defaultConfig(), out = process.stdout, err = process.stderr): Promise<number> {
  const config = withRuleSet(base, opts);
  const resolver = new ProjectConfigResolver();
  const collected = collectFiles(opts.paths, (p) => resolver.forFile(p).ignored);
  const { missing } = collected;
  for (const m of missing) err.write(`seaworthy: ${m}: no such file or directory\n`);
  if (missing.length && !collected.files.length) return 2;
  const { files, configOf, broken } = resolveForFiles(collected.files, config, resolver);
  if (reportBrokenConfigs(broken, err)) return 2;
  const findings: CliFinding[] = [];
  const problems: CliProblem[] = skippedProblems(collected.skipped);
  let scanned = 0;
  const results: AnalysisResult[] = [];
  const collect = (o: FileOutcome) => {
    if (o.scanned) scanned++;
    findings.push(...o.findings);
    problems.push(...o.problems);
    for (const e of o.errors) err.write(e);
  };
  // The scanned files form the manifest catalogue: references resolve across them, as in `report`.
  const host = diskHost(config, undefined, files);
  for (const file of files) {
    const { outcome, result } = await checkFile(file, configOf(file), host);
    // Only SARIF needs the models afterwards; holding every file's model made large runs collect garbage far more.
    if (opts.format === 'sarif') results.push(result);
    collect(outcome);
  }
  if (opts.format === 'sarif') out.write(renderSarif(buildReport({ results: results.map((r) => countedResult(r, opts)), roots: opts.paths })));
  else if (opts.format === 'json') out.write(JSON.stringify({ findings: counted(findings, opts), problems: counted(problems, opts), filesScanned: scanned }, null, 2) + '\n');
  else out.write(selectedText(findings, problems, scanned, opts));
  const worst = [...counted(findings, opts), ...counted(problems, opts)].some((f) => RANK[f.severity] >= RANK[opts.failOn]);
  return worst ? 1 : 0;
}

/** What `check` prints for one file. */
interface FileOutcome { findings: CliFinding[]; problems: CliProblem[]; errors: string[]; scanned: boolean }

async function checkFile(file: string, config: EngineConfig, host: AnalyzeHost): Promise<{ outcome: FileOutcome; result: AnalysisResult }> {
  const r = await analyzePath(file, config, host);
  const shown = displayPath(file);
  const c = toCliFindings(shown, r);
  return {
    result: r,
    outcome: {
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
