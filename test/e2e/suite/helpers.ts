// Helpers for tests that run inside the extension host (code-server's Node extension host, or desktop
// VS Code with SEAWORTHY_VSCODE=desktop). Only the public `vscode` API: what a user's VS Code does.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'seaworthy.seaworthy';
/** Bounded wait for the language server to (re)publish diagnostics after an open, edit or setting change. */
export const DIAGNOSTICS_TIMEOUT_MS = Number(process.env.SEAWORTHY_E2E_DIAG_TIMEOUT_MS || 20000);

/** console.log that reaches the e2e output (under the code-server harness only tagged lines are printed). */
export function log(msg: string): void {
  console.log(`${process.env.SEAWORTHY_E2E_TAG_OUTPUT === '1' ? '[ext-test] ' : ''}${msg}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string | (() => string),
  timeoutMs = DIAGNOSTICS_TIMEOUT_MS, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(stepMs);
  }
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open (test/e2e/runTest.ts opens a fresh copy of a test/e2e/workspaces/* folder)');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/**
 * Open a workspace file in an editor as a user would (the `vscode.open` command, not
 * workspace.openTextDocument: a document an extension opened stays loaded for minutes after its editor
 * is closed, one a user opened is closed with its editor).
 */
export async function openFile(rel: string): Promise<vscode.TextDocument> {
  const uri = workspaceUri(...rel.split('/'));
  await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
  return waitFor(() => {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && doc.uri.toString() === uri.toString() ? doc : undefined;
  }, `an editor for ${rel}`, 10000);
}

/** Revert unsaved changes and close every editor: the next test starts from the files on disk. */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor(() => !doc.isDirty, `${vscode.workspace.asRelativePath(doc.uri)} to be reverted`, 10000);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function seaworthyDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'seaworthy');
}

export function ruleId(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c);
}

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const;
export type Sev = typeof SEVERITY[number];

/** A diagnostic as one comparable string: `rule@line:col-line:col severity` (1-based, like the Problems panel). */
export function describe(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${ruleId(d)}@${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${SEVERITY[d.severity]}`;
}

export function describeAll(uri: vscode.Uri): string[] {
  return seaworthyDiagnostics(uri).map(describe).sort();
}

/** Waits until the file has Seaworthy diagnostics (optionally: one for a given rule) and returns them all. */
export async function waitForDiagnostics(uri: vscode.Uri, rule?: string, timeoutMs = DIAGNOSTICS_TIMEOUT_MS): Promise<vscode.Diagnostic[]> {
  return waitFor(() => {
    const ds = seaworthyDiagnostics(uri);
    return (rule ? ds.some((d) => ruleId(d) === rule) : ds.length > 0) ? ds : undefined;
  }, () => `${rule ? `a '${rule}' diagnostic` : 'Seaworthy diagnostics'} on ${path.basename(uri.path)}; it has ${JSON.stringify(describeAll(uri))}`, timeoutMs);
}

/** Waits until `pred` holds for the file's Seaworthy diagnostics; the timeout message lists what is there. */
export async function waitForDiagnosticsWhere(uri: vscode.Uri, pred: (ds: vscode.Diagnostic[]) => boolean, what: string,
  timeoutMs = DIAGNOSTICS_TIMEOUT_MS): Promise<vscode.Diagnostic[]> {
  return waitFor(() => { const ds = seaworthyDiagnostics(uri); return pred(ds) ? ds : undefined; },
    () => `${what} on ${path.basename(uri.path)}; it has ${JSON.stringify(describeAll(uri))}`, timeoutMs);
}

/** The diagnostics of a rule, sorted by position. */
export function ofRule(ds: vscode.Diagnostic[], rule: string): vscode.Diagnostic[] {
  return ds.filter((d) => ruleId(d) === rule).sort((a, b) => a.range.start.compareTo(b.range.start));
}

/**
 * Waits until the diagnostics have been stable for `quietMs` (the server may publish a first result and
 * then a second one, e.g. after pulling settings) and returns them.
 */
export async function settledDiagnostics(uri: vscode.Uri, quietMs = 1000, timeoutMs = DIAGNOSTICS_TIMEOUT_MS): Promise<vscode.Diagnostic[]> {
  let last = JSON.stringify(describeAll(uri));
  let since = Date.now();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await sleep(100);
    const now = JSON.stringify(describeAll(uri));
    if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since >= quietMs) break;
  }
  return seaworthyDiagnostics(uri);
}

export function rangeOf(doc: vscode.TextDocument, needle: string, occurrence = 1): vscode.Range {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (occurrence ${occurrence}) not found in ${path.basename(doc.uri.path)}`);
  }
  return new vscode.Range(doc.positionAt(at), doc.positionAt(at + needle.length));
}

/** Replace the first occurrence of `from` with `to` through a WorkspaceEdit (as typing would change the document). */
export async function replaceText(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, rangeOf(doc, from), to);
  assert.ok(await vscode.workspace.applyEdit(edit), `applyEdit replacing "${from}" failed`);
}

/** Code actions VS Code gets for a range (through the language client, like the lightbulb). */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind);
  return (all ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof (a as vscode.Command).command === 'string'));
}

/**
 * Waits until a code action whose title matches is offered for the range (the server only answers for
 * the document version it has analysed, so right after an edit the list can be briefly empty).
 */
export async function waitForCodeAction(uri: vscode.Uri, range: vscode.Range, title: RegExp, kind?: string): Promise<{ action: vscode.CodeAction; all: vscode.CodeAction[] }> {
  let all: vscode.CodeAction[] = [];
  const action = await waitFor(async () => {
    all = await codeActionsAt(uri, range, kind);
    return all.find((a) => title.test(a.title));
  }, () => `a code action matching ${title} at ${range.start.line + 1}:${range.start.character + 1} of ${path.basename(uri.path)}; offered: ${JSON.stringify(all.map((a) => a.title))}`);
  return { action, all };
}

/** Apply a code action's WorkspaceEdit with workspace.applyEdit, as the editor does when one is picked. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `code action "${action.title}" carries no edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `workspace.applyEdit of "${action.title}" returned false`);
}

/** Text of a file as VS Code sees it (an open, possibly unsaved document wins over the disk). */
export async function textOf(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try { return (await vscode.workspace.openTextDocument(uri)).getText(); } catch { return undefined; }
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not installed`);
  // The development checkout (extensionDevelopmentPath) has the CLI launcher; the .vsix does not ship it.
  const cli = path.join(ext.extensionPath, 'bin', 'seaworthy.js');
  assert.ok(fs.existsSync(cli) && fs.existsSync(path.join(ext.extensionPath, 'dist', 'cli.js')), `${cli} or dist/cli.js missing (npm run build)`);
  // process.execPath is Node in code-server's extension host and Electron in desktop VS Code.
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, cwd, timeout: 60000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** Findings of the CLI (`seaworthy check --format json`) for one file, in `describe()` form. */
export function cliFindings(file: string): string[] {
  const r = runCli(['check', '--format', 'json', file], path.dirname(file));
  let out: { findings: Array<{ ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number }> };
  try { out = JSON.parse(r.stdout); } catch { throw new Error(`seaworthy check ${file} printed no JSON (exit ${r.status}): ${r.stdout}\n${r.stderr}`); }
  return out.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity}`).sort();
}

/**
 * What `seaworthy fix` (safe fixes, repeated until none is left) makes of a file, run on a copy in an empty
 * folder: the file's text and the text of the `siblings` it wrote (undefined: not written).
 */
export function cliFix(file: string, siblings: string[] = []): { text: string; siblings: Record<string, string | undefined> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-fix-'));
  try {
    const copy = path.join(dir, path.basename(file));
    fs.copyFileSync(file, copy);
    const r = runCli(['fix', copy], dir);
    assert.ok(r.status === 0 || r.status === 1, `seaworthy fix ${copy} exited ${r.status}: ${r.stdout}\n${r.stderr}`);
    const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);
    return { text: read(copy)!, siblings: Object.fromEntries(siblings.map((s) => [s, read(path.join(dir, s))])) };
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

interface ServerStats { analyses: number; published: number }

/**
 * Runs `change` (an edit, a setting) and waits until the language server has published diagnostics
 * again (its `seaworthy/stats` counter grew): after that, code actions answer for the new text.
 */
export async function afterNextAnalysis(change: () => Promise<unknown>, what = 'the server to re-analyse'): Promise<void> {
  const client = (await seaworthyApi()).client()!;
  const before = await client.sendRequest<ServerStats>('seaworthy/stats');
  await change();
  await waitFor(async () => (await client.sendRequest<ServerStats>('seaworthy/stats')).published > before.published, what);
}

/** The language status item as the extension reports it (client/src/statusBar.ts StatusSnapshot). */
export interface StatusSnapshot { text: string; detail: string; severity: 'information' | 'warning' | 'error'; busy: boolean; command?: string; state: string; score?: number; updates: number }

/** Activate (if needed) and return the extension's API (client(), ready, status()). */
export async function seaworthyApi(): Promise<{ client(): { sendRequest<R>(method: string, params?: unknown): Promise<R> } | undefined; ready: Promise<void>; status(): StatusSnapshot }> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
  const api = await ext.activate();
  await api.ready;
  return api;
}
