// Wiring check: the real extension activates in a real VS Code and its language server publishes
// diagnostics. Feature-level e2e tests go in further *.test.ts files next to this one.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, ruleId, waitForDiagnostics } from './helpers';

suite('seaworthy e2e smoke', () => {
  test('extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    await ext.activate();
    assert.ok(ext.isActive);
  });

  test('language server publishes diagnostics for the fixture Dockerfile', async () => {
    const doc = await openFixture('Dockerfile');
    const ds = await waitForDiagnostics(doc.uri);
    assert.ok(ds.every((d) => ruleId(d) && ruleId(d) !== 'undefined'), 'every diagnostic carries a rule id as code');
  });
});
