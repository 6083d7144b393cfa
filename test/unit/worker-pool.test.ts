import * as assert from 'assert';
import * as path from 'path';
import { WorkerPool } from '../../server/src/engine/worker-pool';

const script = path.join(__dirname, 'pool-worker.js');

describe('worker pool', function () {
  this.timeout(60000);
  let pool: WorkerPool;
  beforeEach(() => { pool = new WorkerPool(script, 2, 'test-pool', { factor: 3 }); });
  afterEach(() => pool.close());

  it('returns every batch\'s results in batch order, whichever worker ran it, and a worker runs one request at a time', async () => {
    const batches = Array.from({ length: 20 }, (_, b) => [b * 2, b * 2 + 1]);
    const out = await pool.map<number, { value: number; thread: number; overlapping: boolean }>('times', batches);
    assert.deepStrictEqual(out.map((r) => r.map((x) => x.value)), batches.map((b) => b.map((t) => t * 3)));
    assert.ok(out.flat().every((x) => !x.overlapping), 'two requests ran at once on one worker');
    assert.strictEqual(new Set(out.flat().map((x) => x.thread)).size, 2, 'both workers took batches');
  });

  it('works on this thread too with `here`, which is slot pool.size', async () => {
    const slots: number[] = [];
    const out = await pool.map<number, number>('times', [[1], [2], [3], [4], [5], [6]], {
      here: async (t) => t.map((x) => -x), ranOn: (b, slot) => { slots[b] = slot; },
    });
    out.forEach((r, b) => assert.strictEqual(slots[b] === pool.size ? r[0] : (r[0] as unknown as { value: number }).value, slots[b] === pool.size ? -(b + 1) : (b + 1) * 3));
    assert.deepStrictEqual([...new Set(slots)].every((s) => s >= 0 && s <= pool.size), true);
  });

  it('keeps a worker\'s state between rounds, and sends a batch to the slot it prefers when that slot has nothing else', async () => {
    const keys = Array.from({ length: 8 }, (_, b) => [`k${b}`]);
    const ran: number[] = [];
    await pool.map<[string, number], number>('keep', keys.map(([k], b) => [[k, b]]), { ranOn: (b, slot) => { ran[b] = slot; } });
    // Preferring the worker that kept the key: with each worker given only its own batches, nothing is stolen.
    const mine = [0, 1].map((w) => keys.filter((_, b) => ran[b] === w));
    for (const w of [0, 1]) {
      const out = await pool.map<string, number | null>('recall', [mine[w].map(([k]) => k)], { prefer: () => w });
      assert.deepStrictEqual(out, [mine[w].map(([k]) => Number(k.slice(1)))]);
    }
  });

  it('broadcasts to every worker', async () => {
    await pool.broadcast('keep', ['everywhere', 7]);
    const out = await pool.map<string, number | null>('recall', [['everywhere'], ['everywhere']], { prefer: (b) => b });
    assert.deepStrictEqual(out, [[7], [7]]);
  });

  it('rejects with the worker\'s error', async () => {
    await assert.rejects(pool.map('fail', [[1]]), /task failed on purpose/);
  });
});
