// Small helpers for tests that run inside the extension host.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'seaworthy.seaworthy';

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string,
  timeoutMs = 30000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open (the launcher opens a copy of test/e2e/fixture)');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function openFixture(...segments: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(...segments));
  await vscode.window.showTextDocument(doc);
  return doc;
}

export function seaworthyDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'seaworthy');
}

export function ruleId(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c);
}

/** Waits until the file has Seaworthy diagnostics (optionally: one for a given rule) and returns them all. */
export async function waitForDiagnostics(uri: vscode.Uri, rule?: string, timeoutMs = 30000): Promise<vscode.Diagnostic[]> {
  return waitFor(() => {
    const ds = seaworthyDiagnostics(uri);
    return (rule ? ds.some((d) => ruleId(d) === rule) : ds.length > 0) ? ds : undefined;
  }, rule ? `a '${rule}' diagnostic on ${uri.path}` : `Seaworthy diagnostics on ${uri.path}`, timeoutMs);
}
