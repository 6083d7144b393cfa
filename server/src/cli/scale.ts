import type { EngineConfig } from '../engine/config';
import { DEFAULT_CACHE_FILE, ScanCache } from './cache';
import type { CliProblem } from './format';
import { analyseFiles, FileRecord } from './scan';
import { parseShard, shareOf, ShardSpec } from './shard';
import { UsageError } from './usage';
import type { FileOutcome } from './check';

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
  const fresh = await analyseFiles({ files: todo, catalogue: files, configOf: req.configOf, baseConfig: req.baseConfig, jobs: scale.jobs });
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

/** What a shard adds to its output so that `seaworthy merge` can render the whole run. */
export interface ShardPayload {
  format: 1;
  index: number;
  total: number;
  /** Files of the whole run (every shard walks the same tree), and the paths checked. */
  runFiles: number;
  roots: string[];
  walkProblems: CliProblem[];
  files: { order: number; outcome: FileOutcome; result?: FileRecord['result'] }[];
}
export const SHARD_KEY = 'seaworthyShard';

export function shardPayload(spec: ShardSpec, runFiles: string[], records: { file: string; record: FileRecord }[], outcomes: FileOutcome[], walkProblems: CliProblem[], roots: string[], withResults: boolean): Record<string, ShardPayload> {
  const order = new Map(runFiles.map((f, i) => [f, i]));
  return {
    [SHARD_KEY]: {
      format: 1, index: spec.index, total: spec.total, runFiles: runFiles.length, roots, walkProblems,
      files: records.map((r, i) => ({ order: order.get(r.file)!, outcome: outcomes[i], ...(withResults ? { result: r.record.result } : {}) })),
    },
  };
}
