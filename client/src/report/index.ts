import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';
import { registerScoreStatus, ScoreNotice, StatusSnapshot } from '../statusBar';
import { ReportPanel } from './panel';
import type { Report } from '../../../server/src/report/types';

const scoreOf = (r: Report): ScoreNotice => ({ score: r.score, status: r.status, files: r.totals.files, findings: r.totals.findings, errors: r.totals.error, warnings: r.totals.warning });

/**
 * Production Readiness Report: the two commands, the webview panel and the score's language status
 * item. The server starts indexing when first asked: the item asks whenever a server (re)starts and
 * when Seaworthy is turned back on, so what it shows is never a previous server's score.
 */
export function registerReportFeatures(context: vscode.ExtensionContext, client: LanguageClient, ready: Promise<void>, selector: vscode.DocumentSelector): { status(): StatusSnapshot } {
  const panel = new ReportPanel(client);
  const status = registerScoreStatus(context, selector);
  const enabled = () => vscode.workspace.getConfiguration('seaworthy').get<boolean>('enable', true) !== false;
  // A background scan for the score (window progress: a spinner, not a notification).
  const requestScore = () => {
    if (!enabled() || client.state !== State.Running) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Seaworthy: indexing' }, async () => {
      // The server waits for these (re-sent after a restart), so the first score counts their unsaved text.
      const openDocuments = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && vscode.languages.match(selector, d) > 0).map((d) => d.uri.toString());
      const res = await client.sendRequest<{ report: Report }>('seaworthy/report', { openDocuments }).catch(() => undefined);
      // An index that was already built sends no new score notification: the response is the score.
      if (res && enabled()) status.score(scoreOf(res.report));
    });
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('seaworthy.showReport', () => panel.show()),
    vscode.commands.registerCommand('seaworthy.exportReport', (format?: 'markdown' | 'html' | 'sarif' | 'json') => panel.export(format)),
    client.onNotification('seaworthy/score', (n: ScoreNotice) => { if (enabled()) status.score(n); panel.changed(); }),
    client.onDidChangeState((e) => {
      if (e.newState === State.Starting) status.state(enabled() ? 'starting' : 'disabled');
      else if (e.newState === State.Stopped) status.state('stopped');
      else { status.state(enabled() ? 'running' : 'disabled'); requestScore(); }   // a restarted server has no index yet
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('seaworthy.enable')) return;
      if (!enabled()) status.state('disabled');
      else if (client.state === State.Running) { status.state('running'); requestScore(); }
    }),
  );
  void ready.then(() => { if (!enabled()) status.state('disabled'); requestScore(); });
  return { status: () => status.snapshot() };
}
