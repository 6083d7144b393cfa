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

export interface PoolOptions { threads: number; batchSize: number; role: string; data: unknown }

export async function mapInWorkers<T, R>(script: string, tasks: T[], opts: PoolOptions): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  let next = 0;
  const workers: Worker[] = [];
  const threads = Math.max(1, Math.min(opts.threads, Math.ceil(tasks.length / opts.batchSize)));
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const feed = (w: Worker) => {
        if (failed) return;
        if (next >= tasks.length) { if (--running === 0) resolve(); return; }
        const start = next;
        next = Math.min(tasks.length, next + opts.batchSize);
        w.postMessage({ id: start, tasks: tasks.slice(start, next) } satisfies Request<T>);
      };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(workerSource(script), { eval: true, workerData: { role: opts.role, data: opts.data } });
        workers.push(w);
        running++;
        w.on('message', (m: Reply<R>) => {
          if ('error' in m) { failed = true; reject(new Error(m.error)); return; }
          m.results.forEach((r, k) => { results[m.id + k] = r; });
          feed(w);
        });
        w.on('error', (e) => { failed = true; reject(e); });
        w.on('exit', (code) => { if (code !== 0 && !failed) { failed = true; reject(new Error(`worker exited with code ${code}`)); } });
        feed(w);
      }
    });
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
