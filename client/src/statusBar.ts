import * as vscode from 'vscode';

/** What the server's `seaworthy/score` notification carries (server/src/lsp/workspace-features.ts). */
export interface ScoreNotice { score: number; status: 'pass' | 'warn' | 'fail'; files: number; findings: number; errors: number; warnings: number }

/** The server's state as the status item tells it. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'disabled';

/** What the item shows: read by the extension-host tests through the extension's API. */
export interface StatusSnapshot { text: string; detail: string; severity: 'information' | 'warning' | 'error'; busy: boolean; command?: string; state: ServerState; score?: number; updates: number }

const SEVERITY_NAME = new Map<vscode.LanguageStatusSeverity, StatusSnapshot['severity']>([
  [vscode.LanguageStatusSeverity.Information, 'information'], [vscode.LanguageStatusSeverity.Warning, 'warning'], [vscode.LanguageStatusSeverity.Error, 'error'],
]);

export interface ScoreStatus {
  /** A `seaworthy/score` notification arrived. */
  score(n: ScoreNotice): void;
  /** The language client started, stopped or Seaworthy was turned on or off. */
  state(s: ServerState): void;
  snapshot(): StatusSnapshot;
}

/**
 * The workspace score and the server's state as a language status item (the `{}` next to the language
 * in the status bar, shown for the documents Seaworthy looks at): "$(shield) 25/100", coloured only when
 * the workspace fails. Not a status bar counter: `$(error) 25` beside the Problems counters read as
 * "25 errors". Clicking it opens the report.
 */
export function registerScoreStatus(context: vscode.ExtensionContext, selector: vscode.DocumentSelector): ScoreStatus {
  const item = vscode.languages.createLanguageStatusItem('seaworthy.status', selector);
  item.name = 'Seaworthy Production Readiness';
  context.subscriptions.push(item);
  let state: ServerState = 'starting';
  let last: ScoreNotice | undefined;
  let updates = 0;

  const render = () => {
    item.busy = false;
    item.severity = vscode.LanguageStatusSeverity.Information;
    item.accessibilityInformation = undefined;
    if (state === 'disabled') {
      item.text = '$(shield) Seaworthy off';
      item.detail = 'turned off by the seaworthy.enable setting';
      item.command = { title: 'Turn on', command: 'workbench.action.openSettings', arguments: ['seaworthy.enable'] };
    } else if (state === 'stopped') {
      item.text = '$(shield) Seaworthy stopped';
      item.detail = 'the language server is not running';
      item.severity = vscode.LanguageStatusSeverity.Warning;
      item.command = { title: 'Restart', command: 'seaworthy.restartServer' };
    } else if (state === 'starting' || !last) {
      item.text = '$(shield) Seaworthy';
      item.detail = state === 'starting' ? 'starting the language server' : 'scanning the workspace';
      item.busy = true;
      item.command = { title: 'Open report', command: 'seaworthy.showReport' };
    } else {
      item.text = `$(shield) ${last.score}/100`;
      item.detail = `production readiness · ${last.errors} error${last.errors === 1 ? '' : 's'}, ${last.warnings} warning${last.warnings === 1 ? '' : 's'} in ${last.files} file${last.files === 1 ? '' : 's'}`;
      // Colour only when failing: a warning-level score is still an ordinary number.
      if (last.status === 'fail') item.severity = vscode.LanguageStatusSeverity.Error;
      item.command = { title: 'Open report', command: 'seaworthy.showReport', tooltip: 'Open the Production Readiness Report' };
      item.accessibilityInformation = { label: `Seaworthy production readiness score ${last.score} of 100, ${last.status}` };
    }
  };
  render();
  return {
    score(n) { last = n; updates++; if (state === 'starting') state = 'running'; render(); },
    state(s) {
      // A restarted server scores afresh: the old score is not shown as if it were current.
      if (s === 'starting' || s === 'disabled') last = undefined;
      state = s;
      render();
    },
    snapshot: () => ({
      text: item.text, detail: item.detail ?? '', severity: SEVERITY_NAME.get(item.severity) ?? 'information', busy: item.busy,
      command: item.command?.command, state, score: last?.score, updates,
    }),
  };
}
