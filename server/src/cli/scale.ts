import type { EngineConfig } from '../engine/config';
import { DEFAULT_CACHE_FILE, ScanCache } from './cache';
import type { CliFinding } from './format';
import type { AnalysisResult, Finding } from '../engine/analyze';
import type { CheckedFinding, CheckOutput } from './formats/types';
import { repositoryPath } from './formats/paths';
import { fingerprintFindings } from './baseline';
import { displayPath } from './check';
import { analyseFiles, FileRecord, positionKey } from './scan';
import { shareOf, parseShard, ShardSpec } from './shard';
import { UsageError } from './usage';

/** The options of `check` for large repositories: parallel workers, the re-run cache, CI shards. */
export interface ScaleOptions { cache?: string; jobs?: number; shard?: ShardSpec }

/** Reads one of the scale flags into `o`; false when `flag` is not one of them. */
export function parseScaleOption(flag: string, value: () => string, o: ScaleOptions): boolean {
  if (flag === '--cache') o.cache ??= DEFAULT_CACHE_FILE;
  else if (flag === '--cache-location') o.cache = value();
  else if (flag === '--jobs') {
    const v = value();
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--jobs needs a whole number of at least 1 (got "${v}")`);
    o.jobs = Number(v);
  } else if (flag === '--shard') o.shard = parseShard(value());
  else return false;
  return true;
}

export interface ScanRequest { files: string[]; roots: string[]; configOf: (f: string) => EngineConfig; baseConfig: EngineConfig; scale: ScaleOptions; err: NodeJS.WritableStream }

/**
 * The records of the files this run reports, in walk order: the shard's share (or all), taken from the
 * cache when their inputs are unchanged, the rest analysed (in worker threads when there are enough).
 * References still resolve across every file of the run, whichever shard analyses them.
 */
export async function scanRecords(req: ScanRequest): Promise<{ file: string; record: FileRecord }[]> {
  const { files, scale } = req;
  const mine = scale.shard ? shareOf(files, req.roots, scale.shard) : files;
  const cache = scale.cache ? new ScanCache(scale.cache, files, (m) => req.err.write(`seaworthy: note: ${m}\n`)) : undefined;
  const records: (FileRecord | undefined)[] = mine.map((f) => cache?.lookup(f, req.configOf(f)));
  const todo = mine.filter((_, i) => !records[i]);
  const fresh = await analyseFiles({ files: todo, catalogue: files, configOf: req.configOf, baseConfig: req.baseConfig, jobs: scale.jobs, roots: req.roots });
  // For tests and the curious: which files this run analysed rather than took from the cache.
  if (process.env.SEAWORTHY_TRACE_ANALYSED) for (const f of todo) req.err.write(`seaworthy: analysed ${f}\n`);
  let k = 0;
  for (let i = 0; i < mine.length; i++) {
    if (records[i]) continue;
    records[i] = fresh[k++];
    cache?.store(mine[i], req.configOf(mine[i]), records[i]!);
  }
  if (cache) {
    try { cache.save(); } catch (e) { req.err.write(`seaworthy: note: the cache ${cache.file} could not be written (${(e as Error).message})\n`); }
  }
  return mine.map((file, i) => ({ file, record: records[i]! }));
}

/** Findings with their repository path, baseline fingerprint (computed where the text was) and engine finding, as `fingerprintFindings` gives them. */
export function checkedFindings(findings: CliFinding[], record: FileRecord, repoRoot: string): CheckedFinding[] {
  const engine = new Map<string, Finding>();
  for (const f of record.result.findings) engine.set(positionKey(f.ruleId, f.range.start.line + 1, f.range.start.character + 1, f.range.end.line + 1, f.range.end.character + 1, f.message), f);
  return findings.map((f) => {
    const key = positionKey(f.ruleId, f.line, f.column, f.endLine, f.endColumn, f.message);
    return { ...f, repoPath: repositoryPath(repoRoot, f.file), fingerprint: record.fingerprints[key] ?? fingerprintFindings([f], record.result, repoRoot)[0].fingerprint, source: engine.get(key) };
  });
}

/** What a shard adds to its output so that `seaworthy merge` can render the whole run. */
export interface ShardPayload {
  format: 1;
  index: number;
  total: number;
  runFiles: number;
  roots: string[];
  /** Display paths of the run's files, in walk order (every shard walks the same tree). */
  order: string[];
  /** The shard's output; its first `walk` problems are the walk's, the same in every shard. */
  walk: number;
  output: CheckOutput;
  results?: AnalysisResult[];
}
export const SHARD_KEY = 'seaworthyShard';

export function shardPayload(spec: ShardSpec, runFiles: string[], roots: string[], walk: number, output: CheckOutput, results: AnalysisResult[]): ShardPayload {
  const strip = ({ source: _source, ...f }: CheckedFinding) => f as CheckedFinding;
  return {
    format: 1, index: spec.index, total: spec.total, runFiles: runFiles.length, roots, order: runFiles.map(displayPath), walk,
    output: { ...output, findings: output.findings.map(strip) }, ...(results.length ? { results } : {}),
  };
}

/** The rendered JSON or SARIF with the payload (SARIF: in the run's properties). */
export function withShard(format: string, rendered: string, payload: ShardPayload): string {
  const data = JSON.parse(rendered) as Record<string, unknown> & { runs?: { properties: Record<string, unknown> }[] };
  if (format === 'sarif' && data.runs) data.runs[0].properties[SHARD_KEY] = payload; else data[SHARD_KEY] = payload;
  return JSON.stringify(data, null, 2) + '\n';
}
