import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as gen from './generate';
import { corpusCopy } from './peers';
import { startServer, Server, waitForVersion } from './lsp-latency';
import { median, table } from './stats';

function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function withFolders(s: Server, root: string): Promise<void> {
  s.conn.onRequest('workspace/workspaceFolders', () => [{ uri: pathToFileURL(root).toString(), name: path.basename(root) }]);
}

/** A workspace of `files` small Compose/Dockerfile/manifest files. */
function syntheticWorkspace(files: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-ws-'));
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `svc${i}`);
    fs.mkdirSync(sub);
    if (i % 3 === 0) fs.writeFileSync(path.join(sub, 'Dockerfile'), gen.dockerfile(40));
    else if (i % 3 === 1) fs.writeFileSync(path.join(sub, 'compose.yaml'), gen.compose(3));
    else fs.writeFileSync(path.join(sub, 'deploy.yaml'), gen.kubernetes(4));
  }
  return dir;
}

/** Edit latency with 1 vs 1,000 indexed files: one edit must not re-analyse the workspace. */
export async function incremental(quick: boolean): Promise<string> {
  const rows: (string | number)[][] = [];
  const sizes = quick ? [1, 20] : [1, 1000];
  const results: number[] = [];
  for (const n of sizes) {
    const root = syntheticWorkspace(n);
    const s = await startServer(root);
    try {
      await withFolders(s, root);
      const t0 = performance.now();
      await s.conn.sendRequest('seaworthy/report', {});
      const indexMs = performance.now() - t0;
      const file = path.join(root, 'svc0', 'Dockerfile');
      const uri = pathToFileURL(file).toString();
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: fs.readFileSync(file, 'utf8') } });
      await waitForVersion(s, uri, 1);
      const lat: number[] = [];
      for (let v = 2; v < (quick ? 4 : 12); v++) {
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '#' }] });
        const sent = performance.now();
        lat.push((await waitForVersion(s, uri, v)) - sent);
        // Let the index's own debounced update for this edit run before the next keystroke.
        await new Promise((r) => setTimeout(r, 500));
      }
      results.push(median(lat));
      rows.push([n, indexMs, median(lat)]);
    } finally { await s.stop(); fs.rmSync(root, { recursive: true, force: true }); }
  }
  rows.push(['ratio', '—', `${(results[1] / results[0]).toFixed(2)}×`]);
  return table(['indexed files', 'initial scan ms', 'edit → diagnostics ms (median, includes debounce)'], rows);
}

/** Server memory after indexing the 10× corpus, against the same server idle. */
export async function memory(corpusReal: string, quick: boolean): Promise<string> {
  const c = corpusCopy(corpusReal, quick ? 1 : 10);
  const s = await startServer(c.dir);
  try {
    await withFolders(s, c.dir);
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssMB(s.proc.pid!);
    const t0 = performance.now();
    const res = (await s.conn.sendRequest('seaworthy/report', {})) as { report: { totals: { files: number } } };
    const ms = performance.now() - t0;
    if (global.gc) global.gc();
    await new Promise((r) => setTimeout(r, 500));
    const indexed = rssMB(s.proc.pid!);
    // Read after the RSS: the server's heap as it is, then what is live after a full collection
    // (the index's own data; the rest of the heap is garbage V8 has not collected yet).
    const MB = 1048576;
    const heap = (await s.conn.sendRequest('seaworthy/memory', {})) as { heapUsed: number; heapTotal: number };
    const live = (await s.conn.sendRequest('seaworthy/memory', { gc: true })) as { heapUsed: number };
    return table(['corpus', 'files indexed', 'scan ms', 'idle RSS MB', 'indexed RSS MB', 'growth MB', 'heap used / total MB', 'live heap MB (after GC)'],
      [[quick ? '1×' : '10×', res.report.totals.files, ms, idle, indexed, indexed - idle, `${(heap.heapUsed / MB).toFixed(1)} / ${(heap.heapTotal / MB).toFixed(1)}`, live.heapUsed / MB]]);
  } finally { await s.stop(); c.cleanup(); }
}
