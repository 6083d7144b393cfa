import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerStatusBar, ScoreNotice } from '../statusBar';
import { ReportPanel } from './panel';

/**
 * Production Readiness Report: the two commands, the webview panel and the status bar score. The
 * server starts indexing when first asked; the status bar asks once the client is ready.
 */
export function registerReportFeatures(context: vscode.ExtensionContext, client: LanguageClient, ready: Promise<void>): void {
  const panel = new ReportPanel(client);
  const showScore = registerStatusBar(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('seaworthy.showReport', () => panel.show()),
    vscode.commands.registerCommand('seaworthy.exportReport', (format?: 'markdown' | 'html' | 'sarif' | 'json') => panel.export(format)),
    client.onNotification('seaworthy/score', (n: ScoreNotice) => { showScore(n); panel.changed(); }),
  );
  // A background scan for the status bar score (window progress: a spinner, not a notification).
  void ready.then(() => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Seaworthy: indexing' },
    () => client.sendRequest('seaworthy/report', {}).catch(() => undefined)));
}
