import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult } from '../../server/src/engine/analyze';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { diskHost } from '../../server/src/workspace/batch';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** The part of the evaluation corpus the tests use, copied into the repository (see its PROVENANCE.md). */
export const testCorpusDir = path.join(fixturesDir, 'corpus');

/** Analyses text as if it were the file at `filePath` (name decides the kind, as in the editor). */
export function analyze(filePath: string, text: string, config: EngineConfig = defaultConfig()): Promise<AnalysisResult> {
  // The real disk host: rules that follow Compose `build:` to a Dockerfile see it as in the CLI.
  // The scan is this one file: references resolve against the file itself, as for `check FILE`.
  return analyzeText(filePath, text, config, diskHost(config, undefined, [filePath]));
}

export function analyzeFile(filePath: string, config?: EngineConfig): Promise<AnalysisResult> {
  return analyze(filePath, fs.readFileSync(filePath, 'utf8'), config);
}

/** Findings of one rule as `line:ruleId` strings (1-based lines), for compact assertions. */
export function lines(result: AnalysisResult, ruleId?: string): number[] {
  return result.findings.filter((f) => !ruleId || f.ruleId === ruleId).map((f) => f.range.start.line + 1);
}

export function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p)); else out.push(p);
  }
  return out.sort();
}

/** Node has no mkfifo; the coreutils one is on every system the FIFO tests run on (not Windows). */
export function mkfifo(p: string): void { execFileSync('mkfifo', [p]); }
