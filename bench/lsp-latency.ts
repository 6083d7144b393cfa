import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import * as gen from './generate';
import { median, percentile, table } from './stats';

export const serverPath = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface Server { proc: ChildProcess; conn: MessageConnection; published: Map<string, { version?: number; at: number }[]>; stop(): Promise<void> }

export async function startServer(rootPath?: string): Promise<Server> {
  const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published = new Map<string, { version?: number; at: number }[]>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
    (published.get(p.uri) ?? published.set(p.uri, []).get(p.uri)!).push({ version: p.version, at: performance.now() });
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification(() => undefined);
  conn.listen();
  const rootUri = rootPath ? pathToFileURL(rootPath).toString() : null;
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri, capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    workspaceFolders: rootPath ? [{ uri: rootUri, name: path.basename(rootPath) }] : null,
  });
  await conn.sendNotification('initialized', {});
  return {
    proc, conn, published,
    async stop() { try { await conn.sendRequest('shutdown'); await conn.sendNotification('exit'); } catch { /* gone */ } conn.dispose(); proc.kill(); },
  };
}

export async function waitForVersion(s: Server, uri: string, version: number, timeoutMs = 60000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = (s.published.get(uri) ?? []).find((p) => p.version === version);
    if (hit) return hit.at;
    if (Date.now() > end) throw new Error(`no diagnostics for version ${version} of ${uri}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Typing bursts: N edits 30 ms apart, then the time from the last edit to the diagnostics of the final version. */
export async function lspLatency(quick: boolean): Promise<string> {
  const s = await startServer();
  const files = quick
    ? [{ name: 'Dockerfile', lang: 'dockerfile', text: gen.dockerfile(100) }]
    : [
      { name: 'Dockerfile', lang: 'dockerfile', text: gen.dockerfile(1000) },
      { name: 'compose.yaml', lang: 'yaml', text: gen.compose(500) },
      { name: 'k8s.yaml', lang: 'yaml', text: gen.kubernetes(1000) },
    ];
  const rounds = quick ? 1 : 5;
  const edits = quick ? 5 : 20;
  const rows: (string | number)[][] = [];
  try {
    for (const f of files) {
      const uri = pathToFileURL(path.join('/bench-lsp', f.name)).toString();
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: f.lang, version: 1, text: f.text } });
      await waitForVersion(s, uri, 1);
      const lines = f.text.split('\n');
      const line = Math.floor(lines.length / 2);
      let version = 1;
      const latencies: number[] = [];
      const before = (await s.conn.sendRequest('seaworthy/stats')) as { analyses: number };
      for (let r = 0; r < rounds; r++) {
        let lastEdit = 0;
        for (let e = 0; e < edits; e++) {
          version++;
          await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '#' }] });
          lastEdit = performance.now();
          if (e < edits - 1) await new Promise((res) => setTimeout(res, 30));
        }
        latencies.push((await waitForVersion(s, uri, version)) - lastEdit);
      }
      const after = (await s.conn.sendRequest('seaworthy/stats')) as { analyses: number };
      rows.push([f.name, lines.length, rounds * edits, after.analyses - before.analyses, median(latencies), percentile(latencies, 95)]);
    }
  } finally { await s.stop(); }
  return table(['file', 'lines', 'edits sent', 'analyses run', 'edit → diagnostics p50 ms', 'p95 ms'], rows);
}
