import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { FileKind } from '../model/common';
import type { Model } from '../engine/rule';

/** A host for analyses outside the editor: the real file system, with other files' models parsed on demand. */
export function diskHost(config: EngineConfig): AnalyzeHost {
  const cache = new Map<string, Model | undefined>();
  return {
    fileExists: (p) => fs.existsSync(p),
    modelOf(abs: string, kind: FileKind) {
      const key = `${kind}:${abs}`;
      if (!cache.has(key)) {
        let model: Model | undefined;
        try {
          const prepared = prepareText(fs.readFileSync(abs, 'utf8'), config);
          if (prepared.text !== undefined) model = parseModel(abs, prepared.text, kind);
        } catch { model = undefined; }
        cache.set(key, model);
      }
      return cache.get(key);
    },
  };
}

/** Reads and analyses one file; unreadable files become a problem, never an exception. */
export async function analyzePath(file: string, config: EngineConfig, host: AnalyzeHost): Promise<AnalysisResult> {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.size > config.maxFileBytes) {
      return { path: file, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: [{ severity: 'warning', message: `File skipped: ${(st.size / 1048576).toFixed(1)} MB is over the ${(config.maxFileBytes / 1048576).toFixed(0)} MB limit.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { path: file, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: [{ severity: 'error', message: `Could not read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
  return analyzeText(path.resolve(file), text, config, host);
}
