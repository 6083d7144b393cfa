/**
 * What a CLI run shows: the rule set (`--rules`), and the least severity listed (`--quiet`,
 * `--min-severity`, `--verbose`). Text output lists errors and warnings and sums up info findings in
 * one line; machine formats (json, sarif) keep everything unless a least severity is asked for.
 * Findings below the least severity are left out of the exit code too, as ESLint's `--quiet` does.
 */
import type { AnalysisResult } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { RuleSet, Severity } from '../engine/rule';
import { isRuleSet, RULE_SETS } from '../engine/rule-sets';
import { CliFinding, CliProblem, formatText } from './format';
import { UsageError } from './usage';

export interface SelectionOptions {
  /** `--rules`: wins over `.seaworthy.yaml` `extends`. */
  rules?: RuleSet;
  /** `--min-severity`, or `error` for `--quiet`. */
  minSeverity?: Severity;
  /** `--verbose`: list info findings in text output. */
  verbose?: boolean;
  /** `--quiet`: errors only, and no line about the rest. */
  quiet?: boolean;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const SEVERITIES = Object.keys(RANK) as Severity[];

/**
 * Reads one of the selection flags into `opts`; false when `flag` is not one of them.
 * `value` reads the flag's value (inline `--flag=v` or the next argument).
 */
export function readSelectionFlag(flag: string, value: () => string, opts: SelectionOptions): boolean {
  switch (flag) {
    case '--rules': opts.rules = readRuleSet(value); return true;
    case '--min-severity': {
      const v = value();
      if (!(SEVERITIES as string[]).includes(v)) throw new UsageError(`unknown severity "${v}" for --min-severity (use error, warning or info)`);
      if (opts.minSeverity === 'error' && v !== 'error') throw new UsageError('--quiet and --min-severity disagree: use one of them');
      opts.minSeverity = v as Severity;
      return true;
    }
    case '--quiet': case '-q':
      if (opts.minSeverity && opts.minSeverity !== 'error') throw new UsageError('--quiet and --min-severity disagree: use one of them');
      opts.minSeverity = 'error';
      opts.quiet = true;
      return true;
    case '--verbose':
      opts.verbose = true;
      return true;
    default:
      return false;
  }
}

export function readRuleSet(value: () => string): RuleSet {
  const v = value();
  if (!isRuleSet(v)) throw new UsageError(`unknown rule set "${v}" for --rules (use ${RULE_SETS.join(' or ')})`);
  return v;
}

/** The engine configuration with the `--rules` choice layered over the project's `extends`. */
export function withRuleSet(config: EngineConfig, opts: SelectionOptions): EngineConfig {
  return opts.rules ? { ...config, ruleSetOverride: opts.rules } : config;
}

/** The least severity counted at all (shown or summed up); below it a finding does not exist for this run. */
export function countedFrom(opts: SelectionOptions): Severity {
  return opts.minSeverity ?? 'info';
}

/** The least severity listed one by one in text output (info is summed up unless asked for). */
export function listedFrom(opts: SelectionOptions): Severity {
  if (opts.minSeverity) return opts.minSeverity;
  return opts.verbose ? 'info' : 'warning';
}

export function atLeast(severity: Severity, least: Severity): boolean {
  return RANK[severity] >= RANK[least];
}

/** Keeps the items counted under the options (json, sarif and the exit code see these). */
export function counted<T extends { severity: Severity }>(items: T[], opts: SelectionOptions): T[] {
  const least = countedFrom(opts);
  return least === 'info' ? items : items.filter((i) => atLeast(i.severity, least));
}

/** Text output: the items listed and how many of each severity were left out of the list. */
export function listed<T extends { severity: Severity }>(items: T[], opts: SelectionOptions): { shown: T[]; notListed: Record<Severity, number> } {
  const least = listedFrom(opts);
  const notListed: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const shown: T[] = [];
  for (const i of items) {
    if (atLeast(i.severity, least)) shown.push(i);
    else notListed[i.severity]++;
  }
  return { shown, notListed };
}

/** The one line that sums up what text output did not list (empty when it listed everything). */
export function notListedLine(notListed: Record<Severity, number>, opts: SelectionOptions): string | undefined {
  if (opts.quiet) return undefined;
  const parts: string[] = [];
  if (notListed.warning) parts.push(`${notListed.warning} warning${notListed.warning === 1 ? '' : 's'}`);
  if (notListed.info) parts.push(`${notListed.info} info`);
  if (!parts.length) return undefined;
  const how = opts.minSeverity ? `below --min-severity ${opts.minSeverity}` : 'list them with --verbose or --min-severity info';
  return `ℹ ${parts.join(' and ')} not listed (${how})`;
}

/** Text output under the options: the listed findings and problems, then the line about the rest. */
export function selectedText(findings: CliFinding[], problems: CliProblem[], filesScanned: number, opts: SelectionOptions): string {
  const f = listed(findings, opts);
  const p = listed(problems, opts);
  const notListed = { error: 0, warning: f.notListed.warning + p.notListed.warning, info: f.notListed.info + p.notListed.info };
  return formatText(f.shown, p.shown, filesScanned, notListedLine(notListed, opts));
}

/** An analysis with the findings and problems below the least severity left out (for SARIF). */
export function countedResult(r: AnalysisResult, opts: SelectionOptions): AnalysisResult {
  if (countedFrom(opts) === 'info') return r;
  return { ...r, findings: counted(r.findings, opts), problems: counted(r.problems, opts) };
}
