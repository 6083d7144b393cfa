/** The worker side of worker-pool.test.ts (loaded in worker threads only; not a test file itself). */
import { threadId } from 'worker_threads';
import { serveTasks } from '../../server/src/engine/worker-pool';

let active = 0;
const kept = new Map<string, number>();
serveTasks<{ factor: number }>('test-pool', {
  // Doubles with a delay that lets a second request in if the worker does not queue them.
  times: async (tasks: number[], data) => {
    active++;
    const overlapping = active > 1;
    await new Promise((r) => setTimeout(r, 5));
    active--;
    return tasks.map((t) => ({ value: t * data.factor, thread: threadId, overlapping }));
  },
  keep: (tasks: [string, number][]) => { for (const [k, v] of tasks) kept.set(k, v); return tasks.map(() => threadId); },
  recall: (tasks: string[]) => tasks.map((k) => kept.get(k) ?? null),
  fail: () => { throw new Error('task failed on purpose'); },
});
