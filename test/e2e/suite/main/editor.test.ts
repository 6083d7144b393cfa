// Issue #15 items 4, 5 and 7 as a user meets them: fix-all to a fixed point in one invocation (offered
// in Ctrl+.), one Undo, nothing saved behind the user's back; the ignore quick fix's reason as a tab
// stop; rule documentation rendered (code action and diagnostic link); Dockerfile snippets keep `$`.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  cliFix, closeAll, codeActionsAt, log, ofRule, openFile, ruleId, settledDiagnostics, textOf, waitFor, waitForCodeAction, waitForDiagnostics,
  waitForDiagnosticsWhere, workspaceUri,
} from '../helpers';

/** The CLI's whole messages for a file (seaworthy check --format json). */
function cliFindingMessages(file: string): string[] {
  const r = spawnSync(process.execPath, [path.join(vscode.extensions.getExtension('seaworthy.seaworthy')!.extensionPath, 'bin', 'seaworthy.js'), 'check', '--format', 'json', file], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return (JSON.parse(r.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message);
}

interface FixAllOutcome { applied: number; files: string[]; refused: number; message: string }

function ruleDocTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'seaworthy.ruleDoc');
}

suite('main: editor experience (fix-all, suppressions, rule docs, snippets)', () => {
  teardown(closeAll);

  test('"Fix all safe Seaworthy problems" is in the Ctrl+. menu and fixes the file to a fixed point in one invocation, as `seaworthy fix` does', async () => {
    const doc = await openFile('fixall/compose.yaml');
    const original = doc.getText();
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'database-without-volume'), 'database-without-volume');
    const expected = cliFix(doc.uri.fsPath, ['.env', '.gitignore']);
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Fix all safe Seaworthy problems$/);
    assert.strictEqual(action.kind?.value, vscode.CodeActionKind.QuickFix.value, 'a quick fix: listed in the Ctrl+. menu');
    assert.ok(action.command && !action.edit, 'computed when picked (a command), not on every cursor move');
    const outcome = await vscode.commands.executeCommand<FixAllOutcome>(action.command!.command, ...(action.command!.arguments ?? []));
    log(`      fix-all: ${outcome.message}`);
    assert.ok(outcome.applied >= 2, `secret and volume fixed in one invocation: ${JSON.stringify(outcome)}`);
    assert.match(outcome.message, new RegExp(`^Seaworthy applied ${outcome.applied} safe fixes`));
    assert.strictEqual(doc.getText(), expected.text, 'the whole fixed point at once: what `seaworthy fix` writes');
    const dotEnv = workspaceUri('fixall', '.env');
    assert.strictEqual(fs.readFileSync(dotEnv.fsPath, 'utf8'), expected.siblings['.env'], '.env written, as the CLI writes it');
    assert.strictEqual(await textOf(workspaceUri('fixall', '.gitignore')), expected.siblings['.gitignore']);
    // Not saved behind the user's back: the document is modified, the disk still has the original.
    assert.ok(doc.isDirty, 'the fixed document is left unsaved');
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), original);
    // Nothing left for a second invocation.
    await waitForDiagnosticsWhere(doc.uri, (ds) => ofRule(ds, 'database-without-volume').length === 0 && ofRule(ds, 'hardcoded-secret').length === 0, 'the fixed problems to go away');
    const again = (await codeActionsAt(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), 'source.fixAll.seaworthy')).filter((a) => a.kind?.value === 'source.fixAll.seaworthy');
    assert.deepStrictEqual(again.map((a) => a.title), [], 'source.fixAll has nothing left after one invocation');
    // One Undo reverts the document and the files written beside it.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText() === original, () => `one undo to restore the original text; it is:\n${doc.getText()}`, 10000);
    await waitFor(() => !fs.existsSync(dotEnv.fsPath), 'the same undo to remove the .env it created', 10000);
  });

  test('the ignore quick fix inserts the comment with its reason selected as a tab stop, to type over', async () => {
    const doc = await openFile('fixes/Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Ignore hardcoded-secret for this line$/);
    assert.ok(action.command && !action.edit, 'a snippet, inserted by a command');
    await vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(doc.lineAt(6).text, '# seaworthy-ignore hardcoded-secret -- reason');
    assert.strictEqual(doc.getText(editor.selection), 'reason', 'the placeholder reason is selected');
    await vscode.commands.executeCommand('type', { text: 'rotated by the vault agent' });
    assert.strictEqual(doc.lineAt(6).text, '# seaworthy-ignore hardcoded-secret -- rotated by the vault agent');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'hardcoded-secret').length === 0, 'hardcoded-secret to be silenced');
  });

  test('"Show documentation for <rule>" and the diagnostic\'s rule link open the rendered, read-only rule page', async () => {
    const doc = await openFile('Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    const code = diag.code as { value: string; target: vscode.Uri };
    assert.strictEqual(code.target.scheme, 'seaworthy-rule', `the rule link: ${code.target.toString()}`);
    const { action } = await waitForCodeAction(doc.uri, diag.range, /^Show documentation for hardcoded-secret$/);
    assert.strictEqual(ruleDocTabs().length, 0);
    await vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));
    const tab = await waitFor(() => ruleDocTabs()[0], 'the rendered rule page (custom editor seaworthy.ruleDoc)', 20000);
    assert.match(tab.label, /hardcoded-secret/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The link as the hover and the Problems panel open it (the editor's opener opens the resource).
    await vscode.commands.executeCommand('vscode.open', code.target);
    await waitFor(() => ruleDocTabs()[0], 'the rule link to open the rendered page, not the Markdown source', 20000);
    assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && /\.md$/.test(t.input.uri.path)), 'no raw .md editor');
  });

  test('a refused fix says why in the hover (secret into a .env git tracks)', async () => {
    const dir = workspaceUri('refused').fsPath;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}/compose.yaml`, 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      API_TOKEN: tok-7c1d8e4f9a2b\n');
    fs.writeFileSync(`${dir}/.env`, 'OTHER=1\n');
    const git = (...args: string[]) => { const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' }); assert.strictEqual(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`); };
    git('init', '-q'); git('add', '.env'); git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'env');
    const doc = await openFile('refused/compose.yaml');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    // (The disabled code action carries the same reason, test/unit/apply-fixes.test.ts; the extension API
    // does not return disabled actions, only the Ctrl+. menu lists them.)
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, diag.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Quick fix "Move API\\?_TOKEN to \.env.*" is not offered: not writing to \.env: /, text);
  });

  test('a diagnostic leads with one sentence (the hazard); its explanation is the hover\'s next paragraph', async () => {
    const doc = await openFile('Dockerfile');
    const [diag] = ofRule(await waitForDiagnostics(doc.uri, 'hardcoded-secret'), 'hardcoded-secret');
    assert.match(diag.message, /^[^\n]+\.$/, 'one sentence, one line');
    assert.ok(!/\. [A-Z]/.test(diag.message.replace(/\([^)]*\)|"[^"]*"|`[^`]*`/g, '')), `one sentence: ${diag.message}`);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, diag.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    const cli = cliFindingMessages(doc.uri.fsPath).find((m) => m.startsWith(diag.message))!;
    assert.ok(cli && cli.length > diag.message.length, 'the CLI keeps the whole message');
    assert.ok(text.includes(cli.slice(diag.message.length).trim().slice(0, 30)), `the explanation in the hover: ${text}`);
  });

  test('Dockerfile snippets insert literal $REVISION and $VERSION; Compose snippets are offered in Compose files only, once', async () => {
    await vscode.workspace.fs.writeFile(workspaceUri('snippet', 'Dockerfile'), new Uint8Array());
    const doc = await openFile('snippet/Dockerfile');
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'dockerfile', name: 'Node.js multi-stage Dockerfile' });
    await waitFor(() => doc.getText().includes('CMD'), 'the snippet to be inserted');
    assert.match(doc.getText(), /org\.opencontainers\.image\.revision=\$REVISION \\\n\s+org\.opencontainers\.image\.version=\$VERSION\n/);
    const labels = async (uri: vscode.Uri, pos: vscode.Position) => (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos)).items
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).filter((l) => /^seaworthy-/.test(l));
    const compose = await openFile('compose.yaml');
    await waitForDiagnostics(compose.uri);
    const inCompose = await labels(compose.uri, new vscode.Position(compose.lineCount - 1, 0));
    assert.deepStrictEqual(inCompose.filter((l) => l === 'seaworthy-compose-service'), ['seaworthy-compose-service'], JSON.stringify(inCompose));
    assert.ok(!inCompose.some((l) => l.startsWith('seaworthy-k8s-')), JSON.stringify(inCompose));
    const workflow = await openFile('.github/workflows/ci.yml');
    assert.deepStrictEqual(await labels(workflow.uri, new vscode.Position(0, 0)), [], 'no Seaworthy snippet in a GitHub workflow');
    const after = await settledDiagnostics(compose.uri);
    assert.ok(after.every((d) => ruleId(d) !== 'parse-error'));
  });
});
