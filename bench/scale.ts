/**
 * Issue #18 benchmarks: incremental multi-document latency, the parallel-scan threshold, sequential /
 * parallel / cached scans of the 10× corpus and of a generated monorepo (time and peak memory), and a
 * like-for-like Dockerfile scan against dockerfilelint.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { analyzeText } from '../server/src/engine/analyze';
import { defaultConfig } from '../server/src/engine/config';
import { IncrementalManifest } from '../server/src/engine/incremental';
import { WorkspaceIndex } from '../server/src/workspace/index';
import * as gen from './generate';
import { startServer, waitForVersion } from './lsp-latency';
import { corpusCopy } from './peers';
import { median, table } from './stats';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');
const hasTime = fs.existsSync('/usr/bin/time');

/**
 * A fresh `node` process; wall time, and its peak RSS and CPU time (user + system, all threads) when
 * GNU time is there. On a machine shared with other work, CPU time is the steadier figure: wall time
 * grows with the load, CPU time much less (it shows the work threads add, not the waiting).
 */
function runCli(args: string[], cwd: string): { ms: number; peakMB?: number; cpuS?: number; stdout: string; status: number | null } {
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const full = hasTime ? ['-f', 'seaworthy-bench %M %U %S', process.execPath, bin, ...args] : [bin, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd, full, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`seaworthy ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 300)}`);
  const m = hasTime ? /seaworthy-bench (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.trim()) : null;
  return { ms, peakMB: m ? Number(m[1]) / 1024 : undefined, cpuS: m ? Number(m[2]) + Number(m[3]) : undefined, stdout: r.stdout, status: r.status };
}

/** Edit → diagnostics for the same edit in a 10- and a 1,000-document manifest, through the server and in the engine. */
export async function multiDocument(quick: boolean): Promise<string> {
  const sizes = quick ? [10, 50] : [10, 1000];
  const rounds = quick ? 3 : 15;
  const rows: (string | number)[][] = [];
  const lsp: number[] = [];
  const engine: number[] = [];
  const s = await startServer();
  try {
    for (const n of sizes) {
      const text = gen.kubernetes(n);
      const uri = pathToFileURL(path.join('/bench-multidoc', `k8s-${n}.yaml`)).toString();
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      await waitForVersion(s, uri, 1);
      const line = Math.floor(text.split('\n').length / 2);
      const lat: number[] = [];
      for (let v = 2; v < 2 + rounds; v++) {
        // One keystroke in the middle of the file, alternately typed and deleted (the text stays the same size).
        const change = v % 2 === 0
          ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '#' }
          : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
        const sent = performance.now();
        lat.push((await waitForVersion(s, uri, v)) - sent);
      }
      // In the engine, no debounce: the incremental analysis after the same keystroke, and a full one.
      const config = defaultConfig();
      const host = { fileExists: () => false };
      const inc = new IncrementalManifest();
      await inc.analyse('/bench/k8s.yaml', text, config, host);
      const incMs: number[] = [];
      const fullMs: number[] = [];
      let t = text;
      for (let i = 0; i < rounds; i++) {
        t = gen.oneCharEdit(t);
        let t0 = performance.now(); await inc.analyse('/bench/k8s.yaml', t, config, host); incMs.push(performance.now() - t0);
        t0 = performance.now(); await analyzeText('/bench/k8s.yaml', t, config, host); fullMs.push(performance.now() - t0);
      }
      lsp.push(median(lat));
      engine.push(median(incMs));
      rows.push([`${n} documents`, text.split('\n').length, median(lat), median(incMs), median(fullMs), inc.lastAnalysed]);
    }
  } finally { await s.stop(); }
  rows.push([`ratio ${sizes[1]} / ${sizes[0]}`, '—', `${(lsp[1] / lsp[0]).toFixed(2)}×`, `${(engine[1] / engine[0]).toFixed(2)}×`, '—', '—']);
  return table(['manifest', 'lines', 'server: edit → diagnostics ms (median, includes the 200 ms debounce)', 'engine: incremental ms', 'engine: full analysis ms', 'documents re-analysed per edit'], rows);
}

/** `services` services, each a folder with a Dockerfile, a Compose file and `manifests` manifests (files = services × (2 + manifests)). */
function monorepo(files: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-mono-'));
  const perService = 4;
  const dockerfile = gen.dockerfile(30);
  for (let i = 0; i < Math.ceil(files / perService); i++) {
    const svc = path.join(dir, 'services', `team${i % 50}`, `svc${i}`);
    fs.mkdirSync(path.join(svc, 'app'), { recursive: true });
    fs.mkdirSync(path.join(svc, 'k8s'));
    fs.writeFileSync(path.join(svc, 'app', 'Dockerfile'), dockerfile.replace('part', `svc${i}`));
    fs.writeFileSync(path.join(svc, 'compose.yaml'), `services:\n  svc${i}:\n    build: ./app\n    restart: unless-stopped\n    environment:\n      LOG_LEVEL: info\n`);
    fs.writeFileSync(path.join(svc, 'k8s', 'deploy.yaml'), gen.kubernetes(2).replace(/app0/g, `svc${i}`));
    fs.writeFileSync(path.join(svc, 'k8s', 'config.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: svc${i}-db}\ndata:\n  LOG_LEVEL: info\n`);
  }
  return dir;
}

interface ScanRow { label: string; run: () => { ms: number; peakMB?: number; cpuS?: number; stdout: string } }

/** Sequential, parallel and cached scans of one folder: medians of `runs`; every output byte-identical. */
function scans(dir: string, runs: number): { rows: (string | number)[][]; seq: number; par: number; cached: number } {
  const cache = path.join(os.tmpdir(), `seaworthy-bench-${process.pid}.cache`);
  fs.rmSync(cache, { force: true });
  const variants: ScanRow[] = [
    { label: 'sequential (--jobs 1)', run: () => runCli(['check', '.', '--format', 'json', '--jobs', '1'], dir) },
    { label: `parallel (default: ${os.availableParallelism?.() ?? os.cpus().length} threads)`, run: () => runCli(['check', '.', '--format', 'json'], dir) },
    { label: 'cold --cache (writes the cache)', run: () => { fs.rmSync(cache, { force: true }); return runCli(['check', '.', '--format', 'json', '--cache', '--cache-location', cache], dir); } },
    { label: 're-run --cache, nothing changed', run: () => runCli(['check', '.', '--format', 'json', '--cache', '--cache-location', cache], dir) },
  ];
  const times = new Map<string, number[]>();
  const peaks = new Map<string, number[]>();
  const cpus = new Map<string, number[]>();
  let reference: string | undefined;
  for (let r = 0; r < runs; r++) {
    for (const v of variants) {
      const res = v.run();
      reference ??= res.stdout;
      if (res.stdout !== reference) throw new Error(`${v.label}: output differs from the sequential run`);
      (times.get(v.label) ?? times.set(v.label, []).get(v.label)!).push(res.ms);
      if (res.peakMB !== undefined) (peaks.get(v.label) ?? peaks.set(v.label, []).get(v.label)!).push(res.peakMB);
      if (res.cpuS !== undefined) (cpus.get(v.label) ?? cpus.set(v.label, []).get(v.label)!).push(res.cpuS);
    }
  }
  fs.rmSync(cache, { force: true });
  const seq = median(times.get(variants[0].label)!);
  const rows = variants.map((v) => {
    const m = median(times.get(v.label)!);
    return [v.label, times.get(v.label)!.length, m, `${(seq / m).toFixed(2)}×`, `${((m / seq) * 100).toFixed(0)} %`, cpus.has(v.label) ? median(cpus.get(v.label)!) : '—', peaks.has(v.label) ? median(peaks.get(v.label)!) : '—'];
  });
  return { rows, seq, par: median(times.get(variants[1].label)!), cached: median(times.get(variants[3].label)!) };
}

const SCAN_HEADERS = ['run', 'runs', 'wall ms (median)', 'speed-up vs sequential', 'time vs sequential', 'CPU s, all threads (median)', 'peak RSS MB (median)'];

/** Sequential against parallel on workspaces of growing size: where worker threads start to pay (PARALLEL_MIN_FILES). */
export function parallelThreshold(quick: boolean): string {
  const rows: (string | number)[][] = [];
  for (const files of quick ? [100] : [40, 100, 200, 400, 800]) {
    const dir = monorepo(files);
    try {
      const seq: number[] = [], par: number[] = [], seqCpu: number[] = [], parCpu: number[] = [];
      for (let r = 0; r < (quick ? 1 : 5); r++) {
        const one = runCli(['check', '.', '--format', 'json', '--jobs', '1'], dir);
        const two = runCli(['check', '.', '--format', 'json', '--jobs', String(os.availableParallelism?.() ?? os.cpus().length)], dir);
        seq.push(one.ms); par.push(two.ms);
        if (one.cpuS !== undefined && two.cpuS !== undefined) { seqCpu.push(one.cpuS); parCpu.push(two.cpuS); }
      }
      const cpu = seqCpu.length ? `${(median(parCpu) / median(seqCpu)).toFixed(2)}×` : '—';
      rows.push([files, median(seq), median(par), `${(median(seq) / median(par)).toFixed(2)}×`, cpu]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  }
  return table(['files', 'sequential ms (median)', 'parallel ms (median)', 'speed-up', 'CPU parallel / sequential'], rows);
}

export function corpusScans(corpusReal: string, quick: boolean): string {
  const c = corpusCopy(corpusReal, quick ? 1 : 10);
  try {
    const { rows } = scans(c.dir, quick ? 1 : Number(process.env.SEAWORTHY_BENCH_RUNS ?? 3));
    if (quick) return table(SCAN_HEADERS, rows);
    // Like for like: the same Dockerfiles through both tools, each a fresh process.
    const dfl = path.join(root, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint');
    const sw: number[] = [], dl: number[] = [];
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      sw.push(runCli(['check', ...c.dockerfiles, '--format', 'json', '--jobs', '1'], c.dir).ms);
      const t0 = performance.now();
      spawnSync(process.execPath, [dfl, ...c.dockerfiles], { cwd: c.dir, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      dl.push(performance.now() - t0);
    }
    const like = table(['tool (same files)', 'Dockerfiles', 'wall ms (median)', 'seaworthy / dockerfilelint'],
      [['seaworthy check (sequential)', c.dockerfiles.length, median(sw), `${(median(sw) / median(dl)).toFixed(2)}`], ['dockerfilelint', c.dockerfiles.length, median(dl), '—']]);
    return `${table(SCAN_HEADERS, rows)}\n\nLike-for-like Dockerfile scan (only the corpus copy's Dockerfiles, given as files):\n\n${like}`;
  } finally { c.cleanup(); }
}

export function monorepoScans(quick: boolean, files: number): string {
  const t0 = performance.now();
  const dir = monorepo(files);
  const generated = performance.now() - t0;
  try {
    const { rows } = scans(dir, 1);
    // One Dockerfile changed: the cached run re-analyses it and the Compose file that builds it.
    const cache = path.join(os.tmpdir(), `seaworthy-mono-${process.pid}.cache`);
    runCli(['check', '.', '--format', 'json', '--cache', '--cache-location', cache], dir);
    const df = path.join(dir, 'services', 'team0', 'svc0', 'app', 'Dockerfile');
    fs.appendFileSync(df, 'LABEL changed=1\n');
    const one = runCli(['check', '.', '--format', 'json', '--cache', '--cache-location', cache], dir);
    fs.rmSync(cache, { force: true });
    rows.push(['re-run --cache, one Dockerfile changed', 1, one.ms, '—', '—', one.cpuS ?? '—', one.peakMB ?? '—']);
    return `${files} files (${files / 4} services: Dockerfile, compose.yaml, two manifests), generated in ${(generated / 1000).toFixed(1)} s into a temp folder.${quick ? ' Quick mode: scaled down.' : ''}\n\n${table(SCAN_HEADERS, rows)}`;
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

/**
 * The server's workspace index (the report, the status-bar score) scanning the 10× corpus copy on one
 * thread and in worker threads, in this process as the server runs it; the results must be equal.
 */
export async function indexScans(corpusReal: string, quick: boolean): Promise<string> {
  const c = corpusCopy(corpusReal, quick ? 1 : 10);
  try {
    const config = defaultConfig();
    const times = { one: [] as number[], all: [] as number[] };
    let files = 0;
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      const snapshots: string[] = [];
      for (const which of ['one', 'all'] as const) {
        const ix = new WorkspaceIndex({ roots: [c.dir], config, threads: which === 'one' ? 1 : undefined });
        const t0 = performance.now();
        await ix.scan();
        times[which].push(performance.now() - t0);
        files = ix.results().length;
        snapshots.push(JSON.stringify(ix.results()));
      }
      if (snapshots[0] !== snapshots[1]) throw new Error('the parallel index scan differs from the sequential one');
    }
    const threads = os.availableParallelism?.() ?? os.cpus().length;
    return table(['workspace index scan', 'files', 'ms (median)', 'speed-up'], [
      ['one thread', files, median(times.one), '1.00×'],
      [`worker threads (${threads}; this thread only hands out batches)`, files, median(times.all), `${(median(times.one) / median(times.all)).toFixed(2)}×`],
    ]);
  } finally { c.cleanup(); }
}
