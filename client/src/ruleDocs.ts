import * as fs from 'fs';
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

/**
 * Rule documentation, rendered and read-only. Each rule's page is the resource
 * `seaworthy-rule:/<rule-id>.seaworthy-rule`, which a custom editor (package.json `customEditors`,
 * pattern `*.seaworthy-rule`) shows as a webview: a diagnostic's rule link (opened by the editor's link
 * opener), the "Show documentation for <rule>" code action and the command all land there, instead of
 * the raw `.md` inside the extension folder. A read-only file system serves the Markdown for "Reopen
 * Editor With… Text Editor".
 */
export const RULE_DOC_SCHEME = 'seaworthy-rule';
export const RULE_DOC_VIEW = 'seaworthy.ruleDoc';
const SUFFIX = '.seaworthy-rule';
const RULE_ID = /^[a-z0-9][a-z0-9-]*$/;

export function ruleDocUri(ruleId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: `/${ruleId}${SUFFIX}` });
}

function ruleIdOf(uri: vscode.Uri): string | undefined {
  const name = uri.path.replace(/^\//, '');
  const id = name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : name;
  return RULE_ID.test(id) ? id : undefined;
}

function markdownOf(context: vscode.ExtensionContext, ruleId: string | undefined): string | undefined {
  if (!ruleId) return undefined;
  try { return fs.readFileSync(context.asAbsolutePath(`docs/rules/${ruleId}.md`), 'utf8'); } catch { return undefined; }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown to HTML with VS Code's own renderer (the built-in Markdown extension); plain text if it is absent. */
async function render(markdown: string): Promise<string> {
  try {
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
    if (typeof html === 'string' && html) return html;
  } catch { /* the Markdown extension is disabled */ }
  return `<pre>${escapeHtml(markdown)}</pre>`;
}

async function pageOf(context: vscode.ExtensionContext, webview: vscode.Webview, ruleId: string | undefined): Promise<string> {
  const md = markdownOf(context, ruleId);
  const body = md === undefined ? `<p>No documentation for ${escapeHtml(ruleId ?? 'this rule')}.</p>` : await render(md);
  const nonce = randomBytes(16).toString('base64');
  // No scripts at all: the page is read-only text; links to the web open outside.
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} https: data:; style-src 'nonce-${nonce}';">
<title>Seaworthy rule ${escapeHtml(ruleId ?? '')}</title>
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);max-width:860px;margin:0 auto;padding:8px 24px;line-height:1.5}
code,pre{font-family:var(--vscode-editor-font-family)}pre{background:var(--vscode-textCodeBlock-background);padding:8px;overflow:auto}a{color:var(--vscode-textLink-foreground)}
table{border-collapse:collapse}td,th{border:1px solid var(--vscode-panel-border);padding:2px 6px}</style></head>
<body data-rule="${escapeHtml(ruleId ?? '')}">${body}</body></html>`;
}

class RuleDocEditor implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument { return { uri, dispose: () => undefined }; }
  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    panel.webview.html = await pageOf(this.context, panel.webview, ruleIdOf(document.uri));
  }
}

/** The rule pages as read-only files (Markdown), for the text editor and anything else that reads them. */
class RuleDocFiles implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  constructor(private readonly context: vscode.ExtensionContext) {}
  private text(uri: vscode.Uri): Uint8Array {
    const md = markdownOf(this.context, ruleIdOf(uri));
    if (md === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    return Buffer.from(md, 'utf8');
  }
  watch(): vscode.Disposable { return new vscode.Disposable(() => undefined); }
  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/' || uri.path === '') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: this.text(uri).byteLength, permissions: vscode.FilePermission.Readonly };
  }
  readDirectory(): [string, vscode.FileType][] { return []; }
  readFile(uri: vscode.Uri): Uint8Array { return this.text(uri); }
  createDirectory(uri: vscode.Uri): void { throw vscode.FileSystemError.NoPermissions(uri); }
  writeFile(uri: vscode.Uri): void { throw vscode.FileSystemError.NoPermissions(uri); }
  delete(uri: vscode.Uri): void { throw vscode.FileSystemError.NoPermissions(uri); }
  rename(uri: vscode.Uri): void { throw vscode.FileSystemError.NoPermissions(uri); }
}

export function registerRuleDocs(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(RULE_DOC_SCHEME, new RuleDocFiles(context), { isReadonly: true, isCaseSensitive: true }),
    vscode.window.registerCustomEditorProvider(RULE_DOC_VIEW, new RuleDocEditor(context), { supportsMultipleEditorsPerDocument: true }),
    vscode.commands.registerCommand('seaworthy.showRuleDoc', async (ruleId?: unknown) => {
      const id = typeof ruleId === 'string' && RULE_ID.test(ruleId) ? ruleId : await vscode.window.showInputBox({ title: 'Seaworthy rule id', prompt: 'e.g. hardcoded-secret' });
      if (!id) return;
      await vscode.commands.executeCommand('vscode.openWith', ruleDocUri(id), RULE_DOC_VIEW, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
  );
}

/** The diagnostic's rule link, pointing at the rendered page (the server links the Markdown file, for other editors). */
export function withRuleDocLink(d: vscode.Diagnostic): vscode.Diagnostic {
  const code = d.code;
  const id = typeof code === 'object' && code !== null ? String(code.value) : typeof code === 'string' ? code : undefined;
  if (d.source === 'seaworthy' && id && RULE_ID.test(id) && typeof code === 'object') d.code = { value: code.value, target: ruleDocUri(id) };
  return d;
}
