import { randomBytes, randomUUID } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, WorkDoneProgress } from 'vscode-languageclient/node';
import { renderHtml } from '../../../server/src/report/render/html';
import type { Report } from '../../../server/src/report/types';

type Format = 'markdown' | 'html' | 'sarif' | 'json';
interface ReportResponse { report: Report; text?: string; durationMs: number; analyses: number }
const EXT: Record<Format, string> = { markdown: 'md', html: 'html', sarif: 'sarif', json: 'json' };
const LABEL: Record<Format, string> = { markdown: 'Markdown', html: 'HTML (self-contained)', sarif: 'SARIF 2.1.0 (GitHub code scanning)', json: 'JSON' };

/** Asks the server for the report; a first scan shows cancellable progress. */
async function fetchReport(client: LanguageClient, format?: Format): Promise<ReportResponse | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Seaworthy', cancellable: true }, async (progress, token) => {
    const workDoneToken = randomUUID();
    let last = 0;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
      if (v.kind === 'end') return;
      const pct = v.percentage ?? last;
      progress.report({ message: v.kind === 'begin' ? v.title : v.message, increment: Math.max(0, pct - last) });
      last = pct;
    });
    try {
      return await client.sendRequest<ReportResponse>('seaworthy/report', { format, workDoneToken }, token);
    } catch (e) {
      if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`Seaworthy report failed: ${(e as Error).message}`);
      return undefined;
    } finally { sub.dispose(); }
  });
}

/** A message from the webview is untrusted input: check its shape and keep paths inside the workspace. */
function targetOf(base: string, msg: unknown): { uri: vscode.Uri; range: vscode.Range } | undefined {
  const m = msg as { file?: unknown; range?: { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } };
  if (typeof m.file !== 'string') return undefined;
  const abs = path.resolve(base, m.file);
  if (abs !== base && !abs.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  const r = m.range;
  return { uri: vscode.Uri.file(abs), range: new vscode.Range(n(r?.start?.line), n(r?.start?.character), n(r?.end?.line), n(r?.end?.character)) };
}

export class ReportPanel {
  private panel?: vscode.WebviewPanel;
  private report?: Report;
  private refresh?: NodeJS.Timeout;

  constructor(private readonly client: LanguageClient) {}

  async show(): Promise<void> {
    const res = await fetchReport(this.client);
    if (!res) return;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('seaworthy.report', 'Production Readiness', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage((msg: { type?: unknown; format?: unknown }) => this.onMessage(msg));
    } else this.panel.reveal();
    this.render(res.report);
  }

  /** The server pushes a score after each change: redraw an open panel shortly after. */
  changed(): void {
    if (!this.panel) return;
    if (this.refresh) clearTimeout(this.refresh);
    this.refresh = setTimeout(async () => {
      const res = await this.client.sendRequest<ReportResponse>('seaworthy/report', {}).catch(() => undefined);
      if (res && this.panel) this.render(res.report);
    }, 500);
  }

  async export(format?: Format): Promise<void> {
    const chosen = format && format in EXT ? format : (await vscode.window.showQuickPick((Object.keys(EXT) as Format[]).map((f) => ({ label: LABEL[f], format: f })), { title: 'Export the Production Readiness Report as' }))?.format;
    if (!chosen) return;
    const res = await fetchReport(this.client, chosen);
    if (!res?.text) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `seaworthy-report.${EXT[chosen]}`) : undefined,
      filters: { [LABEL[chosen]]: [EXT[chosen]] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(res.text, 'utf8'));
    void vscode.window.showInformationMessage(`Seaworthy report (${res.report.score}/100) saved to ${vscode.workspace.asRelativePath(target)}.`);
  }

  private render(report: Report): void {
    if (!this.panel) return;
    this.report = report;
    this.panel.title = `Production Readiness: ${report.score}`;
    this.panel.webview.html = renderHtml(report, { mode: 'webview', nonce: randomBytes(16).toString('base64'), cspSource: this.panel.webview.cspSource });
  }

  private async onMessage(msg: { type?: unknown; format?: unknown }): Promise<void> {
    if (msg?.type === 'open' && this.report) {
      const t = targetOf(this.report.base, msg);
      if (t) await vscode.window.showTextDocument(t.uri, { selection: t.range, viewColumn: vscode.ViewColumn.Beside, preview: true });
    } else if (msg?.type === 'export' && typeof msg.format === 'string' && msg.format in EXT) {
      await vscode.commands.executeCommand('seaworthy.exportReport', msg.format);
    }
  }
}
