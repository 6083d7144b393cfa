// Code actions as the lightbulb gets them (vscode.executeCodeActionProvider through the language client),
// applied with workspace.applyEdit exactly as the editor applies a picked quick fix.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  afterNextAnalysis, applyCodeAction, cliFix, closeAll, codeActionsAt, describeAll, exists, ofRule, openFile, rangeOf,
  ruleId, settledDiagnostics, textOf, waitForCodeAction, waitForDiagnostics, waitForDiagnosticsWhere, workspaceUri,
} from '../helpers';

suite('main: code actions', () => {
  teardown(closeAll);

  test('a secret in Compose (hardcoded-secret) moves to .env, is referenced as ${NAME} and .env is git-ignored', async () => {
    const doc = await openFile('fixes/compose.yaml');
    const dotEnv = workspaceUri('fixes', '.env');
    const gitignore = workspaceUri('fixes', '.gitignore');
    assert.ok(!(await exists(dotEnv)) && !(await exists(gitignore)), 'no .env or .gitignore yet');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    assert.deepStrictEqual(diag.range, rangeOf(doc, 'tok-4f9a2b7c1d8e'));
    const { action, all } = await waitForCodeAction(doc.uri, diag.range, /^Move API_TOKEN to \.env/);
    assert.strictEqual(action.title, 'Move API_TOKEN to .env and reference ${API_TOKEN}');
    assert.ok(action.isPreferred, 'a safe fix is the preferred one');
    assert.ok(all.some((a) => a.title === 'Ignore hardcoded-secret for this line'), JSON.stringify(all.map((a) => a.title)));
    const before = doc.getText();
    // It writes beside the document: applied by the extension's command as one workspace edit (one
    // undo step) that leaves the document unsaved, not as a multi-file code action edit VS Code would save.
    assert.ok(action.command && !action.edit, 'a command, not a multi-file code action edit');
    await vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));
    assert.strictEqual(doc.getText(), before.replace('API_TOKEN: tok-4f9a2b7c1d8e', 'API_TOKEN: ${API_TOKEN}'));
    assert.ok(doc.isDirty, 'the document is not saved behind the user\'s back');
    assert.strictEqual(await textOf(dotEnv), 'API_TOKEN=tok-4f9a2b7c1d8e\n', 'fixes/.env');
    assert.strictEqual(await textOf(gitignore), '.env\n', 'fixes/.gitignore');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'hardcoded-secret').length === 0, 'hardcoded-secret to go away');
    await closeAll();
    for (const f of [dotEnv, gitignore]) await vscode.workspace.fs.delete(f);
  });

  test('a secret in a Dockerfile (hardcoded-secret) offers the ignore actions; "for this line" inserts the comment above it', async () => {
    const doc = await openFile('fixes/Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    assert.deepStrictEqual(diag.range, rangeOf(doc, 'k33p-th1s-0ut-of-g1t'), 'the secret value is the range');
    const { action, all } = await waitForCodeAction(doc.uri, diag.range, /^Ignore hardcoded-secret for this line$/);
    const titles = all.map((a) => a.title);
    assert.ok(titles.includes('Ignore hardcoded-secret for this file'), `offered: ${JSON.stringify(titles)}`);
    assert.strictEqual(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
    await vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));
    assert.strictEqual(doc.lineAt(6).text, '# seaworthy-ignore hardcoded-secret -- reason');
    assert.strictEqual(doc.lineAt(7).text, 'ENV SESSION_SECRET=k33p-th1s-0ut-of-g1t');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'hardcoded-secret').length === 0, 'hardcoded-secret to be silenced');
  });

  test('an unpinned image (unpinned-image) offers the tag this file already uses; applying it pins FROM', async () => {
    const doc = await openFile('fixes/Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'unpinned-image'), 'unpinned-image');
    assert.deepStrictEqual(diag.range, rangeOf(doc, 'node:latest'));
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Use tag "20\.11\.1-bookworm-slim"/);
    assert.strictEqual(action.title, 'Use tag "20.11.1-bookworm-slim" (already used for node in this file)');
    assert.ok(!action.isPreferred, 'pinning changes what runs: not a preferred (auto-applied) fix');
    const before = doc.getText();
    await applyCodeAction(action);
    assert.strictEqual(doc.getText(), before.replace('FROM node:latest\n', 'FROM node:20.11.1-bookworm-slim\n'));
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'unpinned-image').length === 0, 'unpinned-image to go away');
  });

  test('an image no file names a release of (unpinned-image) is pinned by typing the version in place, as a snippet', async () => {
    const doc = await openFile('fixes/pin/Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'unpinned-image'), 'unpinned-image');
    assert.deepStrictEqual(diag.range, rangeOf(doc, 'redis'));
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Pin redis to a release tag/);
    assert.strictEqual(action.title, 'Pin redis to a release tag (type the version)');
    assert.ok(!action.edit && action.command, 'a snippet is inserted by a command, not a plain edit');
    await vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(editor.document.uri.toString(), doc.uri.toString());
    assert.strictEqual(doc.lineAt(1).text, 'FROM redis:VERSION');
    assert.strictEqual(doc.getText(editor.selection), 'VERSION', 'the placeholder is selected, ready to type over');
    await vscode.commands.executeCommand('type', { text: '7.2.4' });
    assert.strictEqual(doc.lineAt(1).text, 'FROM redis:7.2.4');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'unpinned-image').length === 0 && doc.lineAt(1).text.endsWith('7.2.4'), 'unpinned-image to go away');
  });

  test('a database without a volume (database-without-volume) gets a named volume, declared at the top level', async () => {
    const doc = await openFile('fixes/compose.yaml');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'database-without-volume'), 'database-without-volume');
    assert.deepStrictEqual(diag.range, rangeOf(doc, 'postgres:16.2'));
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Mount a named volume/);
    assert.strictEqual(action.title, 'Mount a named volume "db-data" at /var/lib/postgresql/data');
    assert.ok(action.isPreferred, 'a safe fix is the preferred one');
    await applyCodeAction(action);
    assert.strictEqual(doc.getText(), [
      'services:',
      '  api:',
      '    image: shop/api:1.4.2',
      '    restart: unless-stopped',
      '    environment:',
      '      API_TOKEN: tok-4f9a2b7c1d8e',
      '  db:',
      '    image: postgres:16.2',
      '    restart: unless-stopped',
      '    environment:',
      '      POSTGRES_USER: shop',
      '    volumes:',
      '      - db-data:/var/lib/postgresql/data',
      'volumes:',
      '  db-data:',
      '',
    ].join('\n'));
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'database-without-volume').length === 0,
      'database-without-volume to go away');
    assert.ok(!describeAll(doc.uri).some((d) => d.startsWith('parse-error')), 'the fixed file still parses');
  });

  test('source.fixAll.seaworthy, invoked once, writes what `seaworthy fix` writes and leaves nothing to fix', async () => {
    const doc = await openFile('fixes/compose.yaml');
    await waitForDiagnostics(doc.uri, 'database-without-volume');
    const expected = cliFix(doc.uri.fsPath, ['.env', '.gitignore']);
    const whole = () => new vscode.Range(0, 0, doc.lineCount, 0);
    const { action } = await waitForCodeAction(doc.uri, whole(), /^Fix all safe Seaworthy problems$/, 'source.fixAll.seaworthy');
    assert.strictEqual(action.kind?.value, 'source.fixAll.seaworthy');
    // This file's fixes write a .env beside it: the action runs the extension's fix-all command.
    assert.ok(action.command, 'a command');
    await afterNextAnalysis(async () => vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? [])), 'the server to analyse the fixed text');
    assert.strictEqual(doc.getText(), expected.text, 'the editor and the CLI fix the file the same way, in one invocation');
    for (const [name, text] of Object.entries(expected.siblings)) {
      assert.strictEqual(await textOf(workspaceUri('fixes', name)), text, `fixes/${name} as the CLI writes it`);
    }
    const again = (await codeActionsAt(doc.uri, whole(), 'source.fixAll.seaworthy')).filter((a) => a.kind?.value === 'source.fixAll.seaworthy');
    assert.deepStrictEqual(again.map((a) => a.title), [], 'nothing left for a second invocation');
    const after = await settledDiagnostics(doc.uri);
    assert.strictEqual(ofRule(after, 'database-without-volume').length, 0, 'the database got its volume');
    assert.ok(!after.some((d) => ruleId(d) === 'parse-error'), `the fixed file still parses: ${JSON.stringify(describeAll(doc.uri))}`);
    await closeAll();
    for (const name of Object.keys(expected.siblings)) {
      const f = workspaceUri('fixes', name);
      if (await exists(f)) await vscode.workspace.fs.delete(f);
    }
  });
});
