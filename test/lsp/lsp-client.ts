import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const serverPath = path.resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

/** Starts the built language server as its own process and speaks LSP to it over stdio. */
export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  private readonly diags = new Map<string, PublishDiagnosticsParams[]>();
  private waiters: (() => void)[] = [];
  stderr = '';
  /** window/logMessage texts (the first thousand). */
  readonly logs: string[] = [];

  /** `nodeArgs` go before the server's path (`-r preload.js`); `command` starts another server (an installed bin). */
  constructor(settings: Record<string, unknown> = {}, opts: { nodeArgs?: string[]; command?: { file: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv } } = {}) {
    const c = opts.command;
    this.proc = c
      ? spawn(c.file, c.args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: c.cwd, env: c.env })
      : spawn(process.execPath, [...(opts.nodeArgs ?? []), serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      (this.diags.get(p.uri) ?? this.diags.set(p.uri, []).get(p.uri)!).push(p);
      const w = this.waiters; this.waiters = []; w.forEach((f) => f());
    });
    this.conn.onRequest('workspace/configuration', () => [settings]);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onNotification('window/logMessage', (m: { message: string }) => { if (this.logs.length < 1000) this.logs.push(m.message); });
    this.conn.listen();
  }

  /** `clientCommands`: speak as the VS Code extension, which implements Seaworthy's client commands. */
  async initialize(clientCommands = true): Promise<unknown> {
    const r = await this.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { clientCommands } });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** Initializes with `dir` as the one workspace folder (the report and file watching need one). */
  async initializeWorkspace(dir: string, processId: number = process.pid): Promise<unknown> {
    const root = pathToFileURL(dir).toString();
    this.conn.onRequest('workspace/workspaceFolders', () => [{ uri: root, name: path.basename(dir) }]);
    const r = await this.conn.sendRequest('initialize', {
      processId, rootUri: root, workspaceFolders: [{ uri: root, name: path.basename(dir) }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
      initializationOptions: { clientCommands: true },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }
  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }
  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Waits for a publishDiagnostics for `uri` that satisfies `pred` (checked on every publish). */
  async waitFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = (this.diags.get(uri) ?? []).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching diagnostics for ${uri}; got ${JSON.stringify(this.diags.get(uri)?.map((d) => d.diagnostics.map((x) => x.code)))}\n${this.stderr}`);
      await new Promise<void>((res) => { this.waiters.push(res); setTimeout(res, 100); });
    }
  }
  published(uri: string): PublishDiagnosticsParams[] { return this.diags.get(uri) ?? []; }

  async shutdown(): Promise<void> {
    try { await this.conn.sendRequest('shutdown'); await this.conn.sendNotification('exit'); } catch { /* already gone */ }
    this.conn.dispose();
    this.proc.kill();
  }
}

export const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();
