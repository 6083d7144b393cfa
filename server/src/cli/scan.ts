import * as path from 'path';
import type { AnalysisResult, AnalyzeHost } from '../engine/analyze';
import { fingerprintFindings } from './baseline';
import { unusedSuppressionFindings } from './check';
import { toCliFindings } from './format';
import type { EngineConfig } from '../engine/config';
import { serveTasks, threadsFor, WorkerPool } from '../engine/worker-pool';
import { isCandidatePath, kindFromName } from '../parse/detect';
import { groupsOf } from './shard';
import { analyzePath, diskHost, DiskHost } from '../workspace/batch';
import { slim } from '../workspace/index';
import type { IndexedResult } from '../workspace/links';

/**
 * One analysed file as plain data (no model, no fix closures): what `check` prints and reports, what a
 * worker thread sends back, what the cache keeps and what a shard hands to `merge`.
 */
export interface FileRecord {
  result: IndexedResult;
  /** Every path the analysis asked the host about (files it read or looked for, catalogue folders): its cross-file inputs. */
  reads: string[];
  /** Baseline fingerprints of the findings `check` can print, by positionKey: they need the text, which the record does not keep. */
  fingerprints: Record<string, string>;
}

export const positionKey = (ruleId: string, line: number, column: number, endLine: number, endColumn: number, message: string) =>
  `${ruleId}\u0000${line}:${column}-${endLine}:${endColumn}\u0000${message}`;

function fingerprintsOf(r: AnalysisResult, config: EngineConfig): Record<string, string> {
  const printable = [...toCliFindings('', r).findings, ...unusedSuppressionFindings('', r, config)];
  const out: Record<string, string> = {};
  fingerprintFindings(printable, r, '').forEach((f) => { out[positionKey(f.ruleId, f.line, f.column, f.endLine, f.endColumn, f.message)] = f.fingerprint; });
  return out;
}

/** Files a batch holds (whole cross-file groups where they fit): a Compose file and its Dockerfiles share parses on one thread. */
const BATCH = 24;

export interface ScanInput {
  /** Files to analyse, in output order. */
  files: string[];
  /** Every file of the run (the manifest catalogue resolves references across them, even in a shard). */
  catalogue: string[];
  configOf: (file: string) => EngineConfig;
  baseConfig: EngineConfig;
  /** Worker threads: 1 keeps everything on the main thread; undefined decides by the number of files. */
  jobs?: number;
  /** The paths the run was given (cross-file groups, as for shards: shard.ts). */
  roots?: string[];
}

/**
 * A host that notes every path a rule asks about, whatever the method (fileExists, modelOf, or any
 * reader added later): the cache keys a file's findings by these inputs, so a new kind of cross-file
 * input is covered as soon as it goes through the host. `parse` is the file's own text, not an input.
 */
export function recordingReads(base: AnalyzeHost, reads: Set<string>): AnalyzeHost {
  return new Proxy(base, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || prop === 'parse' || prop === 'isCancelled') return v;
      return (...args: unknown[]) => {
        if (typeof args[0] === 'string') reads.add(path.resolve(args[0]));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Analyses `files` with one batch host (parses shared between them), recording each file's inputs. */
async function analyseWith(host: AnalyzeHost, files: string[], configs: EngineConfig[]): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for (let i = 0; i < files.length; i++) {
    const reads = new Set<string>();
    const r = await analyzePath(files[i], configs[i], recordingReads(host, reads));
    out.push({ result: slim(r), reads: [...reads].sort(), fingerprints: fingerprintsOf(r, configs[i]) });
  }
  return out;
}

/**
 * The batches of a parallel scan, as indices into `files`: whole cross-file groups (a Compose project
 * with the Dockerfiles it builds, a chart; shard.ts) in the order their first file was walked, about
 * `size` files each (a larger group is cut), so what one file of a group parses serves the others on
 * the same thread.
 */
export function groupedBatches(files: string[], roots: string[], size = BATCH): number[][] {
  const groups = groupsOf(files, roots);
  const members = new Map<string, number[]>();
  files.forEach((f, i) => { const g = groups.get(f)!; (members.get(g) ?? members.set(g, []).get(g)!).push(i); });
  const batches: number[][] = [];
  let current: number[] = [];
  for (const group of members.values()) {
    for (let k = 0; k < group.length; k += size) {
      const part = group.slice(k, k + size);
      if (current.length && current.length + part.length > size) { batches.push(current); current = []; }
      current.push(...part);
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

/** A file the catalogue may take objects from: a YAML or JSON file not named as another kind (detectKind). */
const mayBeManifest = (file: string) => kindFromName(file) === undefined && isCandidatePath(file);

interface WorkerData { baseConfig: EngineConfig; configs: EngineConfig[] }
interface Task { file: string; config: number }
interface CatalogueReady { files: string[]; entries: [string, string][] }

/** The script a worker loads: this module, bundled or not (its load-time call below serves the tasks). */
const WORKER_SCRIPT = __filename;
const ROLE = 'seaworthy-check';

/** The records of `files`, in order: on the main thread, or split over worker threads when that pays. */
export async function analyseFiles(input: ScanInput): Promise<FileRecord[]> {
  const { files } = input;
  const configs: EngineConfig[] = [];
  const configIds = new Map<EngineConfig, number>();
  const tasks: Task[] = files.map((file) => {
    const c = input.configOf(file);
    let id = configIds.get(c);
    if (id === undefined) { id = configs.length; configs.push(c); configIds.set(c, id); }
    return { file, config: id };
  });
  const analyse = (host: AnalyzeHost, batch: Task[]) => analyseWith(host, batch.map((t) => t.file), batch.map((t) => configs[t.config]));
  if (!files.length) return []; // every file came from the cache: no catalogue to build
  const threads = threadsFor(files.length, input.jobs);
  if (threads <= 1 || files.length < 2) {
    // Only manifests read the catalogue. A re-run whose changed files are Dockerfiles or Compose files
    // keeps it lazy (building it parsed every manifest of the run: most of a cached re-run's time).
    if (!files.some(mayBeManifest)) return analyse(diskHost(input.baseConfig, undefined, input.catalogue), tasks);
    // The catalogue before the first analysis, as the threads do: built lazily, it was built inside the
    // first rule that asked for it, within that file's time budget (on a 10,000-file monorepo under load
    // that file got "Analysis stopped" and the output differed from a parallel run's).
    const host = diskHost(input.baseConfig);
    const entries = new Map<string, string>();
    for (const f of input.catalogue) {
      if (!mayBeManifest(f)) continue;
      const json = host.catalogueEntries(path.resolve(f));
      if (json !== undefined) entries.set(path.resolve(f), json);
    }
    host.useCatalogue(input.catalogue, entries);
    return analyse(host, tasks);
  }

  // This thread works too (one worker fewer to start); the workers start loading while it plans.
  const pool = new WorkerPool(WORKER_SCRIPT, threads - 1, ROLE, { baseConfig: input.baseConfig, configs } satisfies WorkerData);
  try {
    const host = diskHost(input.baseConfig);
    const batches = groupedBatches(files, input.roots ?? []);
    // Round 1: the manifest catalogue, put together once from every thread's share (each thread used to
    // read and parse every manifest of the run for its own). A thread keeps the parses of its share for
    // their analysis in round 2, which sends each batch to the thread that read its manifests.
    const inFiles = new Set(files);
    const readers: string[][] = batches.map((b) => b.map((i) => files[i]).filter(mayBeManifest));
    const others = input.catalogue.filter((f) => !inFiles.has(f) && mayBeManifest(f));
    for (let k = 0; k < others.length; k += BATCH) readers.push(others.slice(k, k + BATCH));
    const reader: number[] = [];
    const found = await pool.map<string, string | null>('catalogue', readers, {
      here: async (share) => share.map((f) => host.catalogueEntries(path.resolve(f)) ?? null),
      ranOn: (b, slot) => { reader[b] = slot; },
    });
    const entries = new Map<string, string>();
    readers.forEach((share, b) => share.forEach((f, k) => { const json = found[b][k]; if (json !== null) entries.set(path.resolve(f), json); }));
    host.useCatalogue(input.catalogue, entries);
    await pool.broadcast<CatalogueReady>('catalogue-ready', { files: input.catalogue, entries: [...entries] });
    // Round 2: the analyses.
    const done = await pool.map<Task, FileRecord>('analyse', batches.map((b) => b.map((i) => tasks[i])), {
      here: (batch) => analyse(host, batch),
      prefer: (b) => (readers[b].length ? reader[b] : undefined),
    });
    const out: FileRecord[] = new Array(files.length);
    batches.forEach((b, k) => b.forEach((i, j) => { out[i] = done[k][j]; }));
    return out;
  } finally { await pool.close(); }
}

// In a worker thread: one batch host for the worker's lifetime (parses shared across its batches and rounds).
let workerHost: DiskHost | undefined;
serveTasks<WorkerData>(ROLE, {
  catalogue: (share: string[], data) => {
    workerHost ??= diskHost(data.baseConfig);
    return share.map((f) => workerHost!.catalogueEntries(path.resolve(f)) ?? null);
  },
  'catalogue-ready': ([ready]: CatalogueReady[], data) => {
    workerHost ??= diskHost(data.baseConfig);
    workerHost.useCatalogue(ready.files, new Map(ready.entries));
    return [];
  },
  analyse: (tasks: Task[], data) => {
    workerHost ??= diskHost(data.baseConfig);
    return analyseWith(workerHost, tasks.map((t) => t.file), tasks.map((t) => data.configs[t.config]));
  },
});
