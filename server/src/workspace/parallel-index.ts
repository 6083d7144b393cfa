import type { EngineConfig } from '../engine/config';
import { serveTasks, WorkerPool } from '../engine/worker-pool';
import type { FileKind } from '../model/common';
import { IndexOptions, ScanControl, SharedAnalysis, WorkspaceIndex } from './index';

/**
 * The workspace index's first scan (and rescans) in worker threads, when the workspace has enough
 * files (threadsFor): every worker holds an index of its own over the same files, options and open
 * documents; this thread only hands out batches and keeps what comes back, so the server answers
 * requests while a large workspace is indexed. Two rounds, as in `check` (cli/scan.ts): each worker
 * reads its share's kinds and catalogue entries, every worker gets the whole catalogue, then each
 * analyses batches, preferring those whose files it already read.
 */
interface IndexWorkerData {
  roots: string[];
  config: EngineConfig;
  configs: EngineConfig[];
  /** Index into `configs` of each file of the scan, in `files` order. */
  configOf: number[];
  files: string[];
  overlays: [string, string][];
  kindHints: [string, FileKind][];
}
interface CatalogueReady { found: [string, FileKind | null, string | null][] }

const ROLE = 'seaworthy-index';
/** The script a worker loads: this module, bundled (the server, the CLI) or not (tests). */
const WORKER_SCRIPT = __filename;
/** Neighbouring paths together: a Compose file and the Dockerfiles it builds share parses on one thread. */
const BATCH = 24;

export async function scanInParallel(index: WorkspaceIndex, files: string[], threads: number, opts: IndexOptions, control: ScanControl): Promise<boolean> {
  const configs: EngineConfig[] = [];
  const ids = new Map<EngineConfig, number>();
  const configOf = files.map((f) => {
    const c = opts.configFor?.(f) ?? opts.config;
    let id = ids.get(c);
    if (id === undefined) { id = configs.length; configs.push(c); ids.set(c, id); }
    return id;
  });
  const overlays: [string, string][] = [];
  const kindHints: [string, FileKind][] = [];
  for (const f of files) {
    const text = opts.overlay?.(f);
    if (text !== undefined) overlays.push([f, text]);
    const kind = opts.kindHint?.(f);
    if (kind) kindHints.push([f, kind]);
  }
  const data: IndexWorkerData = { roots: index.roots, config: opts.config, configs, configOf, files, overlays, kindHints };
  const pool = new WorkerPool(WORKER_SCRIPT, threads, ROLE, data);
  try {
    const batches: number[][] = [];
    for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH).map((_, k) => i + k));
    const isCancelled = () => !!control.isCancelled?.();
    const reader: number[] = [];
    const kinds = await pool.map<number, [FileKind | null, string | null]>('catalogue', batches, { isCancelled, ranOn: (b, slot) => { reader[b] = slot; } });
    if (isCancelled()) return false;
    const found: [string, FileKind | null, string | null][] = [];
    batches.forEach((b, k) => b.forEach((i, j) => found.push([files[i], ...kinds[k][j]])));
    index.adoptScan(files, found);
    await pool.broadcast<CatalogueReady>('catalogue-ready', { found });
    let done = 0;
    control.onProgress?.(0, files.length, files[0]);
    await pool.map<number, SharedAnalysis>('analyse', batches, {
      isCancelled, prefer: (b) => reader[b],
      onResult: (b, results) => {
        batches[b].forEach((i, j) => index.adoptAnalysis(files[i], results[j]));
        done += results.length;
        control.onProgress?.(done, files.length, files[batches[b][batches[b].length - 1]]);
      },
    });
    if (isCancelled()) return false;
    control.onProgress?.(files.length, files.length, '');
    return true;
  } finally { await pool.close(); }
}

// In a worker thread: an index of its own over the scan's files, its batch (models, catalogues) kept for every request.
let workerIndex: WorkspaceIndex | undefined;
function indexOf(d: IndexWorkerData): WorkspaceIndex {
  if (!workerIndex) {
    const configOf = new Map(d.files.map((f, i) => [f, d.configs[d.configOf[i]]]));
    const overlays = new Map(d.overlays);
    const hints = new Map(d.kindHints);
    workerIndex = new WorkspaceIndex({
      roots: d.roots, config: d.config, threads: 1,
      configFor: (abs) => configOf.get(abs) ?? d.config,
      overlay: overlays.size ? (abs) => overlays.get(abs) : undefined,
      kindHint: hints.size ? (abs) => hints.get(abs) : undefined,
    });
  }
  return workerIndex;
}
serveTasks<IndexWorkerData>(ROLE, {
  catalogue: (share: number[], d) => share.map((i) => indexOf(d).kindAndEntries(d.files[i])),
  'catalogue-ready': ([ready]: CatalogueReady[], d) => { indexOf(d).adoptScan(d.files, ready.found, true); return []; },
  analyse: async (share: number[], d) => {
    const out: SharedAnalysis[] = [];
    for (const i of share) out.push(await indexOf(d).analyseShared(d.files[i]));
    return out;
  },
});
