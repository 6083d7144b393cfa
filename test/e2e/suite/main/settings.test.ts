// `seaworthy.*` settings take effect in the running language server: no window reload, no server restart.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, describe, ofRule, openFile, seaworthyApi, settledDiagnostics, waitForDiagnostics, waitForDiagnosticsWhere } from '../helpers';

interface Stats { analyses: number; published: number }

suite('main: settings without a reload', () => {
  const config = () => vscode.workspace.getConfiguration('seaworthy');
  suiteTeardown(async () => {
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAll();
  });

  test('turning a rule off, changing severities and disabling Seaworthy apply to the open file at once', async () => {
    const api = await seaworthyApi();
    const client = api.client()!;
    const doc = await openFile('settings/Dockerfile');
    await waitForDiagnostics(doc.uri, 'unpinned-image');
    const baseline = (await settledDiagnostics(doc.uri)).map(describe).sort();
    assert.ok(baseline.includes('unpinned-image@1:6-1:17 warning') && baseline.includes('hardcoded-secret@2:17-2:29 error'), JSON.stringify(baseline));
    const stats0 = await client.sendRequest<Stats>('seaworthy/stats');
    const extHostPid = process.pid;

    // Rule off.
    await config().update('rules', { 'unpinned-image': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'unpinned-image').length === 0, 'unpinned-image to be turned off');
    assert.deepStrictEqual((await settledDiagnostics(doc.uri)).map(describe).sort(), baseline.filter((d) => !d.startsWith('unpinned-image@')));

    // Severity changes, both ways.
    await config().update('rules', { 'unpinned-image': 'error', 'hardcoded-secret': 'info' }, vscode.ConfigurationTarget.Workspace);
    const changed = await waitForDiagnosticsWhere(doc.uri, (ds) =>
      ofRule(ds, 'unpinned-image')[0]?.severity === vscode.DiagnosticSeverity.Error
      && ofRule(ds, 'hardcoded-secret')[0]?.severity === vscode.DiagnosticSeverity.Information, 'unpinned-image as error and hardcoded-secret as info');
    assert.strictEqual(changed.length, baseline.length, 'the same diagnostics, only severities changed');

    // seaworthy.enable: false clears everything; true brings it back.
    await config().update('enable', false, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length === 0, 'no diagnostics with seaworthy.enable = false');
    await config().update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnosticsWhere(doc.uri, (ds) => JSON.stringify(ds.map(describe).sort()) === JSON.stringify(baseline), 'the defaults again');

    // Same extension host (this very process) and the same server process (its counters only grew).
    assert.strictEqual(process.pid, extHostPid);
    const stats1 = await client.sendRequest<Stats>('seaworthy/stats');
    assert.ok(stats1.analyses > stats0.analyses && stats1.published >= stats0.published + 3,
      `the server re-analysed without a restart: ${JSON.stringify(stats0)} -> ${JSON.stringify(stats1)}`);
  });
});
