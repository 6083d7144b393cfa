import * as vscode from 'vscode';

/** What the server's `seaworthy/score` notification carries (server/src/lsp/workspace-features.ts). */
export interface ScoreNotice { score: number; status: 'pass' | 'warn' | 'fail'; files: number; findings: number; errors: number; warnings: number }

const ICON = { pass: '$(pass)', warn: '$(warning)', fail: '$(error)' } as const;

/**
 * The workspace score in the status bar; `update` is called with each `seaworthy/score` the server pushes
 * (one notification handler per method is allowed, so the caller owns the subscription).
 */
export function registerStatusBar(context: vscode.ExtensionContext): (n: ScoreNotice) => void {
  const item = vscode.window.createStatusBarItem('seaworthy.score', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Seaworthy Production Readiness';
  item.command = 'seaworthy.showReport';
  item.text = '$(shield) Seaworthy';
  item.tooltip = 'Seaworthy: scanning the workspace… Click to open the Production Readiness Report.';
  item.show();
  context.subscriptions.push(item);
  return (n) => {
    item.text = `${ICON[n.status] ?? '$(shield)'} ${n.score}`;
    item.tooltip = new vscode.MarkdownString(`**Seaworthy production readiness: ${n.score}/100**\n\n${n.files} files · ${n.errors} errors · ${n.warnings} warnings · ${n.findings} findings in all\n\nClick to open the report.`);
    item.accessibilityInformation = { label: `Seaworthy production readiness score ${n.score} of 100, ${n.status}` };
  };
}
