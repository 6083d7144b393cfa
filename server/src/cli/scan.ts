import * as os from 'os';
import * as path from 'path';
import type { AnalysisResult, AnalyzeHost } from '../engine/analyze';
import { fingerprintFindings } from './baseline';
import { unusedSuppressionFindings } from './check';
import { toCliFindings } from './format';
import type { EngineConfig } from '../engine/config';
import { mapInWorkers, serveTasks } from '../engine/worker-pool';
import { analyzePath, diskHost } from '../workspace/batch';
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

/**
 * Below this many files a scan stays on the main thread: a worker loads the engine and warms its own
 * JIT and caches. Provisional: bench section 8 ("Parallel scan threshold") measures where threads pay,
 * and could only be run on a machine loaded by other sessions, where they never did; set it from an
 * idle run.
 */
export const PARALLEL_MIN_FILES = 150;
/** Files a worker takes at a time: neighbours together (a Compose file and its Dockerfiles share parses). */
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
}

export function threadsFor(files: number, jobs?: number): number {
  if (jobs !== undefined) return Math.max(1, jobs);
  return files >= PARALLEL_MIN_FILES ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
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

interface WorkerData { catalogue: string[]; baseConfig: EngineConfig; configs: EngineConfig[] }
interface Task { file: string; config: number }

/** The script a worker loads: this module, bundled or not (its load-time call below serves the tasks). */
const WORKER_SCRIPT = __filename;

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
  const threads = threadsFor(files.length, input.jobs);
  const host = diskHost(input.baseConfig, undefined, input.catalogue);
  const here = (batch: Task[]) => analyseWith(host, batch.map((t) => t.file), batch.map((t) => configs[t.config]));
  if (threads <= 1 || files.length < 2) return here(tasks);
  return mapInWorkers<Task, FileRecord>(WORKER_SCRIPT, tasks, {
    threads, batchSize: BATCH, role: 'seaworthy-check', here,
    data: { catalogue: input.catalogue, baseConfig: input.baseConfig, configs } satisfies WorkerData,
  });
}

// In a worker thread: one batch host for the worker's lifetime (parses shared across its batches).
let workerHost: AnalyzeHost | undefined;
serveTasks<Task, FileRecord, WorkerData>('seaworthy-check', (tasks, data) => {
  workerHost ??= diskHost(data.baseConfig, undefined, data.catalogue);
  return analyseWith(workerHost, tasks.map((t) => t.file), tasks.map((t) => data.configs[t.config]));
});
