// The Production Readiness Report: the command opens its webview panel, titled with the workspace score
// the server computes. (The status bar item cannot be read through the extension API: the UI test
// reads it from the workbench.)
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, seaworthyApi, waitFor } from '../helpers';

interface Report { score: number; status: string; totals: { files: number; findings: number }; files: Array<{ file: string }> }

function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && /seaworthy\.report$/.test(t.input.viewType));
}

suite('main: report', () => {
  suiteTeardown(closeAll);

  test('"Seaworthy: Show Production Readiness Report" opens the report webview, titled with the score', async () => {
    await seaworthyApi();
    assert.strictEqual(reportTabs().length, 0);
    await vscode.commands.executeCommand('seaworthy.showReport');
    const tab = await waitFor(() => reportTabs()[0], 'the report webview tab', 60000);
    assert.match(tab.label, /^Production Readiness: \d+$/);
    assert.ok(tab.isActive, 'the report is the active tab');
  });

  test("the panel's score is the server's workspace score, over the workspace's files", async () => {
    const api = await seaworthyApi();
    const { report } = await api.client()!.sendRequest<{ report: Report }>('seaworthy/report', {});
    const tab = reportTabs()[0];
    assert.ok(tab, 'the report is still open');
    assert.strictEqual(tab.label, `Production Readiness: ${report.score}`);
    assert.ok(report.score >= 0 && report.score < 100, `a workspace full of hazards scores below 100 (got ${report.score})`);
    const files = report.files.map((f) => f.file).sort();
    for (const f of ['Dockerfile', 'compose.yaml', 'deploy/app.yaml']) assert.ok(files.includes(f), `${f} in ${JSON.stringify(files)}`);
    assert.ok(!files.includes('.github/workflows/ci.yml'), 'the workflow is not part of the report');
  });

  test('running the command again reveals the same panel', async () => {
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('seaworthy.showReport');
    await waitFor(() => reportTabs()[0]?.isActive, 'the report tab to be active again', 60000);
    assert.strictEqual(reportTabs().length, 1);
  });
});
