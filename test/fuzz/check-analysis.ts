/**
 * The analysis oracle: a mutated file goes through what `seaworthy check` runs for it (analysis with
 * the disk host, offered fixes, CLI and report output); nothing may throw, and the engine must report
 * no rule error and no parser exception (those become "Could not read" problems, which hide a crash
 * behind a message).
 */
import * as path from 'path';
import { analyzeText, AnalysisResult, parseModel, prepareText } from '../../server/src/engine/analyze';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import type { RuleSet } from '../../server/src/engine/rule';
import { diskHost } from '../../server/src/workspace/batch';
import { formatText, toCliFindings } from '../../server/src/cli/format';
import { buildReport } from '../../server/src/report/build';
import { renderSarif } from '../../server/src/report/render/sarif';
import { renderMarkdown } from '../../server/src/report/render/markdown';
import { FuzzCase, repoRoot } from './cases';

export interface Failure {
  /** exception: thrown out of the engine; rule-error: reported by the engine; parse-exception: a parser threw. */
  type: 'exception' | 'rule-error' | 'parse-exception' | 'fix-exception' | 'output-exception' | 'hang' | 'exit' | 'memory' | 'corruption';
  message: string;
  stack?: string;
}

/** Where a parser exception ends up: see analyzeText (the message names the kind). */
const PARSER_THREW = /^Could not read this (?:dockerfile|compose|kubernetes) file: /;

export function errorOf(type: Failure['type'], e: unknown): Failure {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type, message: `${err.name}: ${err.message}`.slice(0, 500), stack: err.stack };
}

/** The parser's own stack (analyzeText keeps only the message): parsed again, as the engine parsed it. */
function parserStack(abs: string, text: string, kind: AnalysisResult['kind']): string | undefined {
  const prepared = prepareText(text, defaultConfig()).text;
  if (!kind || prepared === undefined) return undefined;
  try { parseModel(abs, prepared, kind); } catch (e) { return (e as Error).stack; }
  return undefined;
}

/**
 * The engine's defaults with the per-file time budget beyond the fuzzer's hang limit: what a case
 * finds must not depend on how busy the machine is (a budget that runs out under load skips rules, so
 * the same case could pass once and fail the next time), and a slow case is reported as a hang.
 */
/** `strict`: every rule (the fix fuzz runs part of its slice so, or strict rules' fixes are never fuzzed). */
export function fuzzConfig(ruleSet: RuleSet = 'recommended'): EngineConfig {
  return { ...defaultConfig(), maxAnalysisMs: 60_000, ruleSetOverride: ruleSet };
}

export async function checkAnalysis(c: FuzzCase): Promise<Failure[]> {
  // Analysed in place of its seed file, so relative references (build contexts, Dockerfiles) resolve as for the seed.
  const abs = path.join(repoRoot, c.source);
  const config = fuzzConfig();
  let result: AnalysisResult;
  try {
    result = await analyzeText(abs, c.text, config, diskHost(config, undefined, [abs]));
  } catch (e) {
    return [errorOf('exception', e)];
  }
  const failures: Failure[] = [];
  for (const e of result.ruleErrors) failures.push({ type: 'rule-error', message: `${e.ruleId}: ${e.message.split('\n')[0]}`.slice(0, 500), stack: e.message });
  for (const p of result.problems) if (PARSER_THREW.test(p.message)) failures.push({ type: 'parse-exception', message: p.message.slice(0, 500), stack: parserStack(abs, c.text, result.kind) });
  // The editor computes every finding's fixes for its code actions; the engine's fixesOf hides a throw.
  for (const f of result.findings) {
    try { f.fix?.(); } catch (e) { failures.push(errorOf('fix-exception', e)); break; }
  }
  try {
    const shown = path.relative(repoRoot, abs);
    const cli = toCliFindings(shown, result);
    formatText(cli.findings, cli.problems, 1);
    const report = buildReport({ results: [result], roots: [path.dirname(abs)] });
    renderSarif(report);
    renderMarkdown(report);
  } catch (e) {
    failures.push(errorOf('output-exception', e));
  }
  return failures;
}
