// The score's language status item (issue #15 item 3) and what a server restart re-requests (item 1):
// "$(shield) N/100", red only when failing, a click opens the report; it follows settings, rule
// toggles, seaworthy.enable and restarts instead of going stale.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, describe, log, openFile, seaworthyApi, settledDiagnostics, StatusSnapshot, waitFor, waitForDiagnostics, waitForDiagnosticsWhere } from '../helpers';

suite('main: language status item and restarts', () => {
  const config = () => vscode.workspace.getConfiguration('seaworthy');
  suiteTeardown(async () => {
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAll();
  });

  const scored = async (what: string, pred: (s: StatusSnapshot) => boolean = () => true) => {
    const api = await seaworthyApi();
    return waitFor(() => { const s = api.status(); return /^\$\(shield\) \d+\/100$/.test(s.text) && pred(s) ? s : undefined; },
      () => `${what}; the item reads ${JSON.stringify(api.status())}`, 60000);
  };

  test('shows "$(shield) N/100" with the error colour only when failing, and opens the report on click', async () => {
    await openFile('Dockerfile');
    const s = await scored('a score in the language status item');
    log(`      status: ${s.text} · ${s.detail} · ${s.severity}`);
    assert.strictEqual(s.command, 'seaworthy.showReport');
    assert.match(s.detail, /^production readiness · \d+ errors?, \d+ warnings? in \d+ files?$/);
    // The workspace has hardcoded secrets (errors): it fails, and only then is the item coloured.
    assert.strictEqual(s.severity, 'error');
    assert.ok(!s.busy);
  });

  test('a rule toggled off in the settings updates the score without a reload', async () => {
    const before = await scored('a first score');
    await config().update('rules', { 'hardcoded-secret': 'off', 'host-socket-mount': 'off', 'database-without-volume': 'off' }, vscode.ConfigurationTarget.Workspace);
    const after = await scored('a higher score with three error rules off', (s) => s.updates > before.updates && (s.score ?? 0) > (before.score ?? 0));
    log(`      score ${before.score} -> ${after.score} with three rules off`);
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await scored('the first score again', (s) => s.score === before.score);
  });

  test('turning Seaworthy off says so; turning it on scores again', async () => {
    const api = await seaworthyApi();
    await scored('a score');
    await config().update('enable', false, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.status().state === 'disabled', 'the item to say Seaworthy is off');
    assert.strictEqual(api.status().text, '$(shield) Seaworthy off');
    assert.strictEqual(api.status().score, undefined, 'no stale score while off');
    await config().update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    await scored('a score after turning Seaworthy on again');
  });

  test('after a server restart the client asks again for everything it shows: diagnostics and the score', async () => {
    const api = await seaworthyApi();
    const doc = await openFile('Dockerfile');
    await waitForDiagnostics(doc.uri, 'hardcoded-secret');
    const diagnostics = (await settledDiagnostics(doc.uri)).map(describe).sort();
    const before = await scored('a score before the restart');
    const stats0 = await api.client()!.sendRequest<{ analyses: number }>('seaworthy/stats');
    await vscode.commands.executeCommand('seaworthy.restartServer');
    // A new server process: its counters start again, and it has scored the workspace for the item.
    // Its first score may come from the disk before the client has re-sent the unsaved documents (the fix-all
    // test leaves some): what must hold is that the item comes back to the same score, not stale or empty.
    const after = await scored(`the score from before the restart (${before.score}) from the restarted server`, (s) => s.updates > before.updates && s.score === before.score);
    assert.strictEqual(after.score, before.score, 'the same workspace, the same score');
    const stats1 = await api.client()!.sendRequest<{ analyses: number; indexAnalyses: number }>('seaworthy/stats');
    assert.ok(stats1.indexAnalyses > 0, `the new server indexed the workspace: ${JSON.stringify(stats1)} (before: ${JSON.stringify(stats0)})`);
    await waitForDiagnosticsWhere(doc.uri, (ds) => JSON.stringify(ds.map(describe).sort()) === JSON.stringify(diagnostics), 'the same diagnostics from the new server');
  });
});
