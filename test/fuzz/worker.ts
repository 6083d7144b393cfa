/**
 * A fuzz worker: a child process that regenerates each case from (seed, index) and runs its oracle.
 * The parent owns the clock: a case that does not answer in time is a hang, and the worker is killed.
 */
import { makeCase } from './cases';
import { checkAnalysis, errorOf, Failure } from './check-analysis';
import type { RuleSet } from '../../server/src/engine/rule';

export type Mode = 'analysis' | 'fix';
export interface Job { mode: Mode; seed: number; index: number; ruleSet?: RuleSet }
export interface Done { index: number; failures: Failure[]; ms: number; rssMb: number; peakRssMb: number }
export type WorkerMessage = { ready: true } | { done: Done } | { fatal: Failure };

/** Runs one case in this process (the worker, or a replay). */
export async function runCase(job: Job): Promise<Failure[]> {
  const c = makeCase(job.seed, job.index);
  if (job.mode === 'fix') {
    // Loaded on demand: it wraps fs and the fix engine's applyEdits for the whole process.
    const { checkFix } = require('./check-fix') as typeof import('./check-fix');
    return checkFix(c, job.ruleSet);
  }
  return checkAnalysis(c);
}

function serve(): void {
  const send = (m: WorkerMessage) => process.send!(m);
  // Whatever escapes a case asynchronously is that case's crash; the process cannot be trusted after it.
  const fatal = (e: unknown) => { send({ fatal: errorOf('exception', e) }); setImmediate(() => process.exit(1)); };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  process.on('message', async (job: Job) => {
    const started = performance.now();
    let failures: Failure[];
    try { failures = await runCase(job); } catch (e) { failures = [errorOf('exception', e)]; }
    const ms = performance.now() - started;
    send({ done: { index: job.index, failures, ms, rssMb: process.memoryUsage().rss / 1048576, peakRssMb: process.resourceUsage().maxRSS / 1024 } });
  });
  send({ ready: true });
}

if (require.main === module) serve();
