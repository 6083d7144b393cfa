import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';

/**
 * A small pool of worker threads for batch commands: tasks go out in batches as workers free up
 * (a large file does not hold back a whole share), results come back in the order of the tasks.
 */
interface Request<T> { id: number; tasks: T[] }
type Reply<R> = { id: number; results: R[] } | { id: number; error: string };

/**
 * How a worker runs the script it is given: through the CLI's code-cache loader when the script is the
 * bundle beside it (bin/code-cache.js: compiled bytecode, same V8 flags as the main thread), else a
 * plain require (tests run the tsc output in out/).
 */
function workerSource(script: string): string {
  const loader = path.join(path.dirname(script), '..', 'bin', 'code-cache.js');
  const useLoader = path.basename(script) === 'cli.js' && fs.existsSync(loader);
  return useLoader
    ? `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(script)});`
    : `require(${JSON.stringify(script)});`;
}

export interface PoolOptions<T, R> {
  /** Threads working, this one included when `here` is given. */
  threads: number;
  batchSize: number;
  role: string;
  data: unknown;
  /**
   * Runs a batch on this thread, which then works too instead of waiting: one worker fewer to start
   * (each loads the engine and builds its own caches), which on two cores is what parallelism pays for.
   */
  here?: (tasks: T[]) => Promise<R[]>;
}

/** Batches a worker holds at once: the next is there when it finishes one, even while this thread is busy. */
const IN_FLIGHT = 2;

export async function mapInWorkers<T, R>(script: string, tasks: T[], opts: PoolOptions<T, R>): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  let next = 0;
  const take = (): { start: number; batch: T[] } | undefined => {
    if (next >= tasks.length) return undefined;
    const start = next;
    next = Math.min(tasks.length, next + opts.batchSize);
    return { start, batch: tasks.slice(start, next) };
  };
  const workers: Worker[] = [];
  const wanted = Math.max(1, Math.min(opts.threads, Math.ceil(tasks.length / opts.batchSize)));
  const workerCount = opts.here ? wanted - 1 : wanted;
  try {
    const remote = new Promise<void>((resolve, reject) => {
      let pending = 0;
      let failed = false;
      const done = () => { if (pending === 0 && next >= tasks.length) resolve(); };
      const feed = (w: Worker) => {
        if (failed) return;
        const job = take();
        if (!job) { done(); return; }
        pending++;
        w.postMessage({ id: job.start, tasks: job.batch } satisfies Request<T>);
      };
      if (workerCount <= 0) { resolve(); return; }
      for (let i = 0; i < workerCount; i++) {
        const w = new Worker(workerSource(script), { eval: true, workerData: { role: opts.role, data: opts.data } });
        workers.push(w);
        w.on('message', (m: Reply<R>) => {
          pending--;
          if ('error' in m) { failed = true; reject(new Error(m.error)); return; }
          m.results.forEach((r, k) => { results[m.id + k] = r; });
          feed(w);
        });
        w.on('error', (e) => { failed = true; reject(e); });
        w.on('exit', (code) => { if (code !== 0 && !failed) { failed = true; reject(new Error(`worker exited with code ${code}`)); } });
        for (let k = 0; k < IN_FLIGHT; k++) feed(w);
      }
    });
    const local = (async () => {
      if (!opts.here) return;
      for (let job = take(); job; job = take()) {
        const out = await opts.here(job.batch);
        out.forEach((r, k) => { results[job!.start + k] = r; });
        // Let the workers' replies in, so they get their next batch without waiting for this thread.
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all([remote, local]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * In a worker started by mapInWorkers for `role`: answers each batch of tasks with `handle`. Returns
 * false (and does nothing) anywhere else, so a module can call it at load time.
 */
export function serveTasks<T, R, D>(role: string, handle: (tasks: T[], data: D) => Promise<R[]>): boolean {
  if (isMainThread || !parentPort || (workerData as { role?: string } | undefined)?.role !== role) return false;
  const port = parentPort;
  const data = (workerData as { data: D }).data;
  // One batch at a time, in order: the parent sends the next only after the reply.
  port.on('message', (m: Request<T>) => {
    handle(m.tasks, data).then(
      (results) => port.postMessage({ id: m.id, results } satisfies Reply<R>),
      (e: Error) => port.postMessage({ id: m.id, error: e.stack ?? String(e) } satisfies Reply<R>),
    );
  });
  return true;
}
