import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** `seaworthy/fixAll` (server/src/lsp/server.ts): every safe fix of one document, applied to a fixed point. */
interface Position { line: number; character: number }
export interface FileEdits { uri: string; create: boolean; text?: string; edits: { range: { start: Position; end: Position }; newText: string }[] }
export interface FixAllResponse { version: number | null; applied: number; titles: string[]; refused: { title: string; reason: string }[]; files: FileEdits[] }
/** What the command returns (the extension-host tests read it). */
export interface FixAllOutcome { applied: number; files: string[]; refused: number; message: string }

/**
 * The edit shape of a fix that writes beside its document (a fix-all, or secret → .env), chosen for one-step undo and no save behind the user's back:
 * - one `WorkspaceEdit` applied with `workspace.applyEdit` (not a code action's `edit`: VS Code saves
 *   every file of a multi-file code action when `files.refactoring.autoSave` is on, the default), so one
 *   Undo reverts the document and the files beside it together;
 * - a side file that does not exist yet (`.env`, `.gitignore`) is created with its content;
 * - side files that existed are edited and then saved (their change is the fix's whole point and nobody
 *   has them open), the document itself is left modified and unsaved, as any edit the user makes.
 */
export async function applyFiles(docUri: vscode.Uri, files: FileEdits[]): Promise<vscode.Uri[] | undefined> {
  const edit = new vscode.WorkspaceEdit();
  const sideFiles: vscode.Uri[] = [];
  for (const f of files) {
    const fileUri = vscode.Uri.parse(f.uri);
    if (fileUri.toString() !== docUri.toString()) sideFiles.push(fileUri);
    if (f.create) { edit.createFile(fileUri, { contents: Buffer.from(f.text ?? '', 'utf8'), ignoreIfExists: false }); continue; }
    for (const e of f.edits) edit.replace(fileUri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  }
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  for (const side of sideFiles) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === side.toString());
    if (open?.isDirty && !dirtyBefore.has(side.toString())) await open.save();
  }
  return sideFiles;
}

/** One quick fix that also writes beside the document (secret → .env), applied as applyFiles does. */
export async function applyFix(uri: string, version: number | null, files: FileEdits[], title: string): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  if (version !== null && doc.version !== version) {
    void vscode.window.showWarningMessage('Seaworthy: the file changed since this fix was computed; try the quick fix again.');
    return false;
  }
  const ok = !!(await applyFiles(doc.uri, files));
  if (!ok) void vscode.window.showWarningMessage(`Seaworthy: VS Code refused the edit of "${title}".`);
  return ok;
}

export async function applyFixAll(client: LanguageClient, target?: vscode.Uri | string, opts: { quiet?: boolean } = {}): Promise<FixAllOutcome | undefined> {
  const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? await vscode.workspace.openTextDocument(uri);
  const version = doc.version;
  const res = await client.sendRequest<FixAllResponse>('seaworthy/fixAll', { textDocument: { uri: doc.uri.toString(), version } });
  const refusedNote = res.refused.length ? ` ${res.refused.length} fix${res.refused.length === 1 ? '' : 'es'} refused: ${res.refused.map((r) => `${r.title} (${r.reason})`).join('; ')}.` : '';
  if (!res.applied || !res.files.length) {
    const message = `Seaworthy: no safe fixes to apply in ${vscode.workspace.asRelativePath(doc.uri)}.${refusedNote}`;
    if (!opts.quiet) void vscode.window.showInformationMessage(message);
    return { applied: 0, files: [], refused: res.refused.length, message };
  }
  if (doc.version !== version || (res.version !== null && res.version !== version)) {
    const message = 'Seaworthy: the file changed while the fixes were computed; run Fix All again.';
    void vscode.window.showWarningMessage(message);
    return { applied: 0, files: [], refused: res.refused.length, message };
  }
  const sideFiles = await applyFiles(doc.uri, res.files);
  if (!sideFiles) {
    const message = 'Seaworthy: VS Code refused the fix-all edit.';
    void vscode.window.showWarningMessage(message);
    return { applied: 0, files: [], refused: res.refused.length, message };
  }
  const names = res.files.map((f) => vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)));
  const message = `Seaworthy applied ${res.applied} safe fix${res.applied === 1 ? '' : 'es'}`
    + `${sideFiles.length ? ` (also wrote ${sideFiles.map((s) => vscode.workspace.asRelativePath(s)).join(', ')})` : ''}; one Undo reverts ${sideFiles.length ? 'them all' : 'it'}.${refusedNote}`;
  if (!opts.quiet) void vscode.window.showInformationMessage(message);
  return { applied: res.applied, files: names, refused: res.refused.length, message };
}
