// The workspace of the main run has a Dockerfile, a compose.yaml and deploy/ manifests: Seaworthy must
// start by itself (workspaceContains), before any file is opened, and register every command it contributes.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, seaworthyApi, waitFor } from '../helpers';

suite('main: activation', () => {
  test('activates at startup for the container workspace, with no file opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    // (VS Code itself may load the profile's settings.json as a document: only the workspace's files count.)
    const opened = vscode.workspace.textDocuments.filter((d) => vscode.workspace.getWorkspaceFolder(d.uri)).map((d) => d.uri.path);
    assert.deepStrictEqual(opened, [], 'no workspace file is open yet');
    await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate (workspaceContains)`, 30000);
  });

  test('its language client starts (the API resolves ready)', async () => {
    const api = await seaworthyApi();
    assert.ok(api.client(), 'activate() returned an API whose client() is set');
  });

  test('every command of package.json contributes.commands is registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: string[] = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.includes('seaworthy.showReport'), `contributed: ${contributed.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed but not registered');
  });
});
