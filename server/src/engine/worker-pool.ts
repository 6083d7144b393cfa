import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';

/**
 * A pool of worker threads for batch work (the CLI's scan, the server's workspace index). Workers start
 * once and serve any number of rounds (`map`, `broadcast`), so what a worker parsed in one round (a
 * manifest read for the catalogue) serves the next (its own analysis) on the same thread.
 */
interface Request { id: number; op: string; tasks: unknown[] }
type Reply = { id: number; results: unknown[] } | { id: number; error: string };

/**
 * How a worker runs the script it is given: through the CLI's code-cache loader when the script is the
 * bundle beside it (bin/code-cache.js: compiled bytecode, same V8 flags as the main thread), else a
 * plain require (the server bundle, and tests that run the tsc output in out/).
 */
function workerSource(script: string): string {
  const loader = path.join(path.dirname(script), '..', 'bin', 'code-cache.js');
  const useLoader = path.basename(script) === 'cli.js' && fs.existsSync(loader);
  return useLoader
    ? `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(script)});`
    : `require(${JSON.stringify(script)});`;
}

/**
 * Below this many files a scan (`check`, the server's workspace index) stays on one thread: a worker
 * loads the engine and warms its own JIT and caches. From bench section 8's generated workspaces, by CPU
 * time of all threads (the machine was loaded, so wall times said nothing): a second thread adds
 * ≈ 0.3 s of CPU plus ≈ 1 ms per file (100 files: 0.89 → 1.19 s; 200: 1.40 → 1.84 s; 400: 1.90 →
 * 2.50 s), and the process's own start, walk and output (≈ 0.35 s) stay serial. Split over two cores
 * that breaks even near 100 files and gains ≈ 1.25× at 200; 150 keeps small repositories (and
 * pre-commit runs) on one thread. Re-check with section 8 on an idle machine.
 */
export const PARALLEL_MIN_FILES = 150;

/** Threads for a scan of `files` files: `jobs` when given, else every core once there are enough files. */
export function threadsFor(files: number, jobs?: number): number {
  if (jobs !== undefined) return Math.max(1, jobs);
  return files >= PARALLEL_MIN_FILES ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
}

/** Batches a worker holds at once: the next is there when it finishes one, even while this thread is busy. */
const IN_FLIGHT = 2;

export interface MapOptions<T, R> {
  /**
   * Runs a batch on this thread, which then works too instead of waiting: one worker fewer to start
   * (each loads the engine and warms its own JIT and caches). Its slot number is `pool.size`.
   */
  here?: (tasks: T[]) => Promise<R[]>;
  /**
   * The slot (a worker's index, or `pool.size` for `here`) that should run batch `b`, because it holds
   * what the batch needs; a slot with nothing of its own left takes the others' batches, last first.
   */
  prefer?: (b: number) => number | undefined;
  /** Checked before each batch goes out: once true, no more do (their results stay undefined). */
  isCancelled?: () => boolean;
  /** Told each batch's results as they come (map still returns them all). */
  onResult?: (b: number, results: R[]) => void;
  /** Told which slot ran batch `b` (to send related work there in a later round). */
  ranOn?: (b: number, slot: number) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: unknown[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  /** Starts `threads` workers running `script`, which answers through `serveTasks(role, …)`; `data` is their `workerData`. */
  constructor(script: string, threads: number, role: string, data: unknown) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(workerSource(script), { eval: true, workerData: { role, data } });
      w.on('message', (m: Reply) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        this.waiting.delete(m.id);
        if (!this.waiting.size) this.setRef(false);
        if ('error' in m) p.reject(new Error(m.error)); else p.resolve(m.results);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => { if (code !== 0 && !this.closing) this.fail(new Error(`worker exited with code ${code}`)); });
      w.unref();
      this.workers.push(w);
    }
  }

  get size(): number { return this.workers.length; }

  /** Idle workers must not keep the process alive (a server's pool outlives its requests); busy ones must. */
  private setRef(busy: boolean): void {
    for (const w of this.workers) if (busy) w.ref(); else w.unref();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
    this.setRef(false);
  }

  private call<T, R>(worker: number, op: string, tasks: T[]): Promise<R[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (!this.waiting.size) this.setRef(true);
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: unknown[]) => void, reject });
      this.workers[worker].postMessage({ id, op, tasks } satisfies Request);
    });
  }

  /** Runs `op` once on every worker with `payload` (state each keeps for the next rounds). */
  async broadcast<T>(op: string, payload: T): Promise<void> {
    await Promise.all(this.workers.map((_, i) => this.call(i, op, [payload])));
  }

  /**
   * The results of `op` on every batch, batch by batch in order; batches go out as slots free up, so a
   * slow batch does not hold back a whole share.
   */
  async map<T, R>(op: string, batches: T[][], opts: MapOptions<T, R> = {}): Promise<R[][]> {
    const results: R[][] = new Array(batches.length);
    const slots = this.size + (opts.here ? 1 : 0);
    const own: number[][] = Array.from({ length: slots }, () => []);
    const anyone: number[] = [];
    batches.forEach((_, b) => {
      const p = opts.prefer?.(b);
      if (p !== undefined && p >= 0 && p < slots) own[p].push(b); else anyone.push(b);
    });
    const heads = new Array<number>(slots).fill(0);
    let anyHead = 0;
    const take = (slot: number, steal = true): number | undefined => {
      if (opts.isCancelled?.()) return undefined;
      if (heads[slot] < own[slot].length) return own[slot][heads[slot]++];
      if (anyHead < anyone.length) return anyone[anyHead++];
      if (!steal) return undefined;
      // Nothing of its own left: the last batch of the slot with the most left.
      let from = -1;
      for (let s = 0; s < slots; s++) if (own[s].length - heads[s] > (from < 0 ? 0 : own[from].length - heads[from])) from = s;
      return from < 0 ? undefined : own[from].pop();
    };
    const drive = async (slot: number, run: (tasks: T[]) => Promise<R[]>, yieldAfter: boolean) => {
      // Every slot claims its own first batch before any slot steals one.
      let b = take(slot, false);
      if (b === undefined) { await Promise.resolve(); b = take(slot); }
      for (; b !== undefined; b = take(slot)) {
        opts.ranOn?.(b, slot);
        results[b] = await run(batches[b]);
        opts.onResult?.(b, results[b]);
        // Let the workers' replies in, so they get their next batch without waiting for this thread.
        if (yieldAfter) await new Promise((r) => setImmediate(r));
      }
    };
    const loops: Promise<void>[] = [];
    for (let w = 0; w < this.size; w++) for (let k = 0; k < IN_FLIGHT; k++) loops.push(drive(w, (t) => this.call<T, R>(w, op, t), false));
    if (opts.here) loops.push(drive(this.size, opts.here, true));
    await Promise.all(loops);
    return results;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * In a worker started by a WorkerPool for `role`: answers each request with the handler of its op, one
 * request at a time in the order they came (a worker's caches then see its batches as a sequential run
 * would). Returns false (and does nothing) anywhere else, so a module can call it at load time.
 */
export function serveTasks<D>(role: string, handlers: Record<string, (tasks: never[], data: D) => Promise<unknown[]> | unknown[]>): boolean {
  if (isMainThread || !parentPort || (workerData as { role?: string } | undefined)?.role !== role) return false;
  const port = parentPort;
  const data = (workerData as { data: D }).data;
  let queue = Promise.resolve();
  port.on('message', (m: Request) => {
    queue = queue.then(async () => {
      try {
        const handler = handlers[m.op];
        if (!handler) throw new Error(`no handler for "${m.op}" in worker role ${role}`);
        port.postMessage({ id: m.id, results: await handler(m.tasks as never[], data) } satisfies Reply);
      } catch (e) {
        port.postMessage({ id: m.id, error: (e as Error).stack ?? String(e) } satisfies Reply);
      }
    });
  });
  return true;
}
