/**
 * A fuzz campaign: cases [start, start + cases) of one seed, run by `jobs` child processes. A case that
 * takes longer than the hang limit is a hang (its worker is killed and replaced); a worker that dies is
 * a crash of the case it was running. Failing cases can be written out, each with its seed and index.
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { makeCase } from './cases';
import type { Failure } from './check-analysis';
import type { Done, Job, Mode, WorkerMessage } from './worker';
import type { RuleSet } from '../../server/src/engine/rule';

export interface CampaignOptions {
  mode: Mode;
  seed: number;
  cases: number;
  /** The rule set the fix fuzz applies (default recommended); `strict` fuzzes every rule's fixes. */
  ruleSet?: RuleSet;
  start?: number;
  /** Run exactly these case indices instead of [start, start + cases). */
  indices?: number[];
  jobs?: number;
  /** A case running longer than this is a hang. */
  hangMs?: number;
  /** A worker whose resident memory exceeds this after a case fails that case (and is replaced). */
  memoryLimitMb?: number;
  /** Folder that receives each failing case (the mutated file and case.json). */
  failuresDir?: string;
  onProgress?: (s: CampaignSummary) => void;
}

export interface FailedCase { seed: number; index: number; source: string; mutations: string[]; failure: Failure; ms: number }

export interface CampaignSummary {
  mode: Mode; seed: number; start: number; cases: number; done: number;
  crashes: number; hangs: number; corruptions: number;
  failed: FailedCase[];
  /** Distinct failures: first case and count for each signature. */
  distinct: { signature: string; count: number; first: FailedCase }[];
  peakRssMb: number; wallMs: number; slowest: { index: number; ms: number }[];
}

const WORKER = path.join(__dirname, 'worker.js');

/** What makes two failures the same bug: kind, message shape, and the first frame in our code. */
export function signatureOf(f: Failure): string {
  const frame = f.stack?.split('\n').find((l) => /server[\\/]src|node_modules/.test(l))?.trim().replace(/:\d+:\d+\)?$/, '').replace(/\(.*?(server[\\/]src|node_modules)/, '($1') ?? '';
  // Positions, counts and quoted excerpts differ between cases of one bug; parentheses hold the details.
  const shape = f.message.replace(/\s*\(.*$/s, '').replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 140);
  return `${f.type}: ${shape}${frame ? ` @ ${frame}` : ''}`;
}

export function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const start = o.start ?? 0;
  const jobs = Math.max(1, o.jobs ?? 1);
  const hangMs = o.hangMs ?? 10000;
  const memoryLimitMb = o.memoryLimitMb ?? 1536;
  const began = Date.now();
  const summary: CampaignSummary = { mode: o.mode, seed: o.seed, start, cases: o.cases, done: 0, crashes: 0, hangs: 0, corruptions: 0, failed: [], distinct: [], peakRssMb: 0, wallMs: 0, slowest: [] };
  const bySignature = new Map<string, { signature: string; count: number; first: FailedCase }>();
  const queue = o.indices ?? Array.from({ length: o.cases }, (_, i) => start + i);
  summary.cases = queue.length;
  let next = 0;

  const record = (index: number, failure: Failure, ms: number) => {
    const c = makeCase(o.seed, index);
    const failed: FailedCase = { seed: o.seed, index, source: c.source, mutations: c.mutations, failure, ms };
    summary.failed.push(failed);
    if (failure.type === 'hang') summary.hangs++; else if (failure.type === 'corruption') summary.corruptions++; else summary.crashes++;
    const sig = signatureOf(failure);
    const d = bySignature.get(sig);
    if (d) d.count++; else bySignature.set(sig, { signature: sig, count: 1, first: failed });
    if (o.failuresDir) writeFailure(o.failuresDir, o.mode, failed, c.text);
  };
  const finished = (index: number, failures: Failure[], ms: number) => {
    summary.done++;
    const casesFailed = new Set<string>();
    for (const f of failures) { const sig = signatureOf(f); if (!casesFailed.has(sig)) { casesFailed.add(sig); record(index, f, ms); } }
    summary.slowest.push({ index, ms });
    summary.slowest.sort((a, b) => b.ms - a.ms);
    summary.slowest.length = Math.min(summary.slowest.length, 5);
    if (summary.done % 500 === 0) o.onProgress?.(snapshotOf());
  };
  const snapshotOf = (): CampaignSummary => ({ ...summary, distinct: [...bySignature.values()].sort((a, b) => b.count - a.count), wallMs: Date.now() - began });

  return new Promise((resolve) => {
    let live = 0;
    const startWorker = () => {
      live++;
      const child: ChildProcess = fork(WORKER, [], { execArgv: [`--max-old-space-size=${memoryLimitMb}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
      let current: { job: Job; timer: NodeJS.Timeout; began: number } | undefined;
      let retired = false;
      const retire = () => { if (retired) return; retired = true; live--; child.kill('SIGKILL'); };
      const dispatch = () => {
        if (next >= queue.length) { retire(); if (!live) done(); return; }
        const job: Job = { mode: o.mode, seed: o.seed, index: queue[next++], ruleSet: o.ruleSet };
        current = { job, began: Date.now(), timer: setTimeout(() => {
          const c = current!;
          current = undefined;
          finished(c.job.index, [{ type: 'hang', message: `no answer after ${hangMs / 1000} s` }], Date.now() - c.began);
          retire();
          startWorker();
        }, hangMs) };
        child.send(job);
      };
      child.on('message', (m: WorkerMessage) => {
        if ('ready' in m) { dispatch(); return; }
        if (!current) return;
        const c = current;
        current = undefined;
        clearTimeout(c.timer);
        if ('fatal' in m) { finished(c.job.index, [m.fatal], Date.now() - c.began); retire(); startWorker(); return; }
        const d: Done = m.done;
        summary.peakRssMb = Math.max(summary.peakRssMb, d.peakRssMb);
        const failures = [...d.failures];
        if (d.rssMb > memoryLimitMb) failures.push({ type: 'memory', message: `resident memory ${Math.round(d.rssMb)} MB after the case (limit ${memoryLimitMb} MB)` });
        finished(c.job.index, failures, d.ms);
        if (d.rssMb > memoryLimitMb) { retire(); startWorker(); } else dispatch();
      });
      child.on('exit', (code, signal) => {
        if (retired) return;
        retired = true;
        live--;
        if (current) {
          clearTimeout(current.timer);
          const c = current;
          current = undefined;
          const oom = /heap out of memory|Allocation failed/i.test(stderr);
          finished(c.job.index, [{ type: oom ? 'memory' : 'exit', message: `worker exited (${signal ?? `code ${code}`})${oom ? ': JavaScript heap out of memory' : ''}`, stack: stderr }], Date.now() - c.began);
        }
        startWorker();
      });
    };
    let resolved = false;
    const done = () => {
      if (resolved) return;
      resolved = true;
      const s = snapshotOf();
      s.failed.sort((a, b) => a.index - b.index);
      resolve(s);
    };
    if (!queue.length) { done(); return; }
    for (let i = 0; i < Math.min(jobs, queue.length); i++) startWorker();
  });
}

/** `<dir>/<mode>-<seed>-<index>/`: the mutated file under its seed's name, and case.json to reproduce it. */
function writeFailure(dir: string, mode: Mode, f: FailedCase, text: string): void {
  const folder = path.join(dir, `${mode}-${f.seed}-${f.index}`);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, path.basename(f.source)), text);
  const reproduce = `npm run fuzz -- --replay ${f.seed}:${f.index}${mode === 'fix' ? ' --fix' : ''}`;
  fs.writeFileSync(path.join(folder, 'case.json'), JSON.stringify({ ...f, signature: signatureOf(f.failure), reproduce }, null, 2) + '\n');
}
