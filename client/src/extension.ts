import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { applyFix, applyFixAll, FixAllOutcome } from './fixAll';
import { registerReportFeatures } from './report';
import { registerRuleDocs, withRuleDocLink } from './ruleDocs';
import type { StatusSnapshot } from './statusBar';

let client: LanguageClient | undefined;

/** What the extension returns from activate(): used by the extension-host tests. */
export interface SeaworthyApi {
  client(): LanguageClient | undefined;
  ready: Promise<void>;
  /** The language status item as it reads now. */
  status(): StatusSnapshot;
}

/**
 * Documents the server looks at, saved or untitled; it decides by name and content which ones are ours
 * (a YAML file that is neither Compose nor Kubernetes gets nothing, cheaply).
 */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'untitled', language: 'dockerfile' },
  { scheme: 'file', language: 'yaml' },
  { scheme: 'untitled', language: 'yaml' },
  { scheme: 'file', language: 'dockercompose' },
  { scheme: 'file', language: 'helm' },
  { scheme: 'file', pattern: '**/*.{yml,yaml}' },
  // Env files (committed secrets; a Compose project's `${VAR}` values), whatever language mode shows them.
  { scheme: 'file', pattern: '**/{.env,.env.*,*.env}' },
  // Ignore files of build contexts: editing one re-analyses the open Dockerfiles whose `COPY .` read it (they get no diagnostics themselves).
  { scheme: 'file', pattern: '**/{.dockerignore,*.dockerignore}' },
];

/** Extensions that report Dockerfile syntax problems (both use dockerfile-utils). */
const DOCKER_EXTENSIONS = ['ms-azuretools.vscode-docker', 'docker.docker'];

export function activate(context: vscode.ExtensionContext): SeaworthyApi {
  const output = vscode.window.createOutputChannel('Seaworthy', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    synchronize: { configurationSection: 'seaworthy' },
    // A function: read again when the server restarts (settings, and trust once the user grants it).
    // dockerExtension: a Docker extension shows Dockerfile syntax problems itself (seaworthy.dockerfileSyntax: auto).
    initializationOptions: () => ({ settings: vscode.workspace.getConfiguration('seaworthy'), trusted: vscode.workspace.isTrusted, dockerExtension: DOCKER_EXTENSIONS.some((id) => vscode.extensions.getExtension(id) !== undefined), clientCommands: true }),
    // Rule links open the rendered, read-only rule page (ruleDocs.ts), not the Markdown source.
    middleware: { handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.map(withRuleDocLink)) },
  };
  client = new LanguageClient('seaworthy', 'Seaworthy', serverOptions, clientOptions);
  registerRuleDocs(context);
  const ready = client.start().then(() => output.info('Seaworthy language server started'));
  const report = registerReportFeatures(context, client, ready, DOCUMENT_SELECTOR);

  context.subscriptions.push(
    vscode.commands.registerCommand('seaworthy.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('seaworthy.restartServer', async () => {
      await client?.restart();
      output.info('Seaworthy language server restarted');
    }),
    // Untrusted workspaces run in limited mode (no git, so no secret moved to a .env): trust lifts it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => { void client?.restart(); }),
    // A quick fix whose value only the user knows (e.g. the version to pin, a suppression's reason): typed in place, as a snippet.
    vscode.commands.registerCommand('seaworthy.applySnippetFix', async (uri: string, version: number | null, range: { start: { line: number; character: number }; end: { line: number; character: number } }, snippet: string) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      if (version !== null && doc.version !== version) {
        void vscode.window.showWarningMessage('Seaworthy: the file changed since this fix was computed; try the quick fix again.');
        return;
      }
      const editor = await vscode.window.showTextDocument(doc);
      const r = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
      await editor.insertSnippet(new vscode.SnippetString(snippet), r);
    }),
    // A quick fix that writes beside its document (secret → .env): one undo step, the document left unsaved.
    vscode.commands.registerCommand('seaworthy.applyFix', applyFix),
    // Fix-all to a fixed point in one invocation (the command, the Ctrl+. entry and source.fixAll with side files).
    vscode.commands.registerCommand('seaworthy.fixAll', (uri?: string | vscode.Uri): Promise<FixAllOutcome | undefined> | undefined => client && applyFixAll(client, uri)),
    // A source.fixAll that edited only its own document reports its count quietly (it may run on every save).
    vscode.commands.registerCommand('seaworthy.fixAllApplied', (count: unknown) => {
      if (typeof count === 'number' && count > 0) vscode.window.setStatusBarMessage(`Seaworthy applied ${count} safe fix${count === 1 ? '' : 'es'}`, 4000);
    }),
  );
  return { client: () => client, ready, status: () => report.status() };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
