import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { FileKind } from '../model/common';
import type { Model } from '../engine/rule';

/**
 * How many recently parsed models a batch host keeps. A Compose file usually sits beside or above the
 * Dockerfiles it builds, so they are analysed close together; a bounded cache keeps memory flat on a
 * scan of thousands of files (keeping every model made large scans collect garbage far more).
 */
const RECENT_MODELS = 128;

/**
 * A host for analyses outside the editor: the real file system, with other files' models parsed on
 * demand. A model parsed for one side — a file's own analysis, or a rule of another file asking for
 * it — serves the other while it is recent and the text is the same, so a Dockerfile that a Compose
 * file builds is parsed once per scan, not twice.
 */
export function diskHost(config: EngineConfig, capacity = RECENT_MODELS): AnalyzeHost & { parses: number } {
  const recent = new Map<string, { text?: string; model?: Model }>();
  const remember = (key: string, entry: { text?: string; model?: Model }) => {
    recent.delete(key);
    recent.set(key, entry);
    if (recent.size > capacity) recent.delete(recent.keys().next().value as string);
  };
  const host = {
    parses: 0,
    fileExists: (p: string) => fs.existsSync(p),
    modelOf(abs: string, kind: FileKind): Model | undefined {
      const key = `${kind}:${abs}`;
      const hit = recent.get(key);
      if (hit) { remember(key, hit); return hit.model; }
      let entry: { text?: string; model?: Model } = {};
      try {
        const prepared = prepareText(fs.readFileSync(abs, 'utf8'), config);
        if (prepared.text !== undefined) { host.parses++; entry = { text: prepared.text, model: parseModel(abs, prepared.text, kind) }; }
      } catch { entry = {}; }
      remember(key, entry);
      return entry.model;
    },
    parse(abs: string, text: string, kind: FileKind): Model {
      const key = `${kind}:${abs}`;
      const hit = recent.get(key);
      if (hit?.model && hit.text === text) { remember(key, hit); return hit.model; }
      host.parses++;
      const model = parseModel(abs, text, kind);
      remember(key, { text, model });
      return model;
    },
  };
  return host;
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
