// A `# seaworthy-ignore <rule> -- reason` comment silences exactly the diagnostic on the line below it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, describe, ofRule, openFile, settledDiagnostics, waitForDiagnostics, waitForDiagnosticsWhere } from '../helpers';

suite('main: suppression', () => {
  teardown(closeAll);

  test('a suppression comment silences exactly one diagnostic', async () => {
    const doc = await openFile('suppress/compose.yaml');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ofRule(ds, 'hardcoded-secret').length === 2, 'two hardcoded-secret diagnostics');
    const before = (await settledDiagnostics(doc.uri)).map(describe).sort();
    assert.ok(before.includes('hardcoded-secret@6:18-6:34 error') && before.includes('hardcoded-secret@7:23-7:42 error'), JSON.stringify(before));

    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(6, 0), '      # seaworthy-ignore hardcoded-secret -- rotated by the vault agent\n');
    assert.ok(await vscode.workspace.applyEdit(edit));

    // Everything below the comment moved one line down; exactly the SESSION_SECRET finding is gone.
    const shift = (d: string) => d.replace(/@(\d+):(\d+)-(\d+):(\d+)/, (m, l1, c1, l2, c2) =>
      (Number(l1) >= 7 ? `@${Number(l1) + 1}:${c1}-${Number(l2) + 1}:${c2}` : m));
    const expected = before.filter((d) => d !== 'hardcoded-secret@7:23-7:42 error').map(shift).sort();
    const after = await waitForDiagnosticsWhere(doc.uri, (ds) => ofRule(ds, 'hardcoded-secret').length === 1, 'one hardcoded-secret left');
    assert.deepStrictEqual((await settledDiagnostics(doc.uri)).map(describe).sort(), expected);
    assert.strictEqual(ofRule(after, 'hardcoded-secret')[0].range.start.line, 5, 'the API_TOKEN secret on the line above is still flagged');
    assert.ok(!after.some((d) => String((d.code as { value?: string })?.value ?? d.code) === 'unused-suppression'), 'the comment is used');
  });

  test('the same comment on a line without that finding is reported as unused and silences nothing', async () => {
    const doc = await openFile('suppress/compose.yaml');
    await waitForDiagnostics(doc.uri, 'hardcoded-secret');
    const before = (await settledDiagnostics(doc.uri)).map(describe).sort();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(2, 0), '    # seaworthy-ignore hardcoded-secret -- not here\n');   // above `image:`
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await waitForDiagnostics(doc.uri, 'unused-suppression');
    assert.strictEqual(ofRule(after, 'hardcoded-secret').length, 2, 'both secrets are still flagged');
    assert.strictEqual(after.length, before.length + 1, `one diagnostic more: ${JSON.stringify(after.map(describe))}`);
  });
});
