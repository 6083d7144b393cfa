import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerReportFeatures } from './report';

let client: LanguageClient | undefined;

/** What the extension returns from activate(): used by the extension-host tests. */
export interface SeaworthyApi {
  client(): LanguageClient | undefined;
  ready: Promise<void>;
}

/** Documents the server looks at; it decides by name and content which ones are ours (the rest get nothing). */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'untitled', language: 'dockerfile' },
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'dockercompose' },
  { scheme: 'file', language: 'helm' },
  { scheme: 'file', pattern: '**/*.{yml,yaml}' },
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
    // A Docker extension shows Dockerfile syntax problems itself: the server leaves them out (seaworthy.dockerfileSyntax: auto).
    initializationOptions: { settings: vscode.workspace.getConfiguration('seaworthy'), dockerExtension: DOCKER_EXTENSIONS.some((id) => vscode.extensions.getExtension(id) !== undefined) },
  };
  client = new LanguageClient('seaworthy', 'Seaworthy', serverOptions, clientOptions);
  const ready = client.start().then(() => output.info('Seaworthy language server started'));
  registerReportFeatures(context, client, ready);

  context.subscriptions.push(
    vscode.commands.registerCommand('seaworthy.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('seaworthy.restartServer', async () => {
      await client?.restart();
      output.info('Seaworthy language server restarted');
    }),
    // A quick fix whose value only the user knows (e.g. the version to pin): typed in place, as a snippet.
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
    vscode.commands.registerCommand('seaworthy.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      await vscode.commands.executeCommand('editor.action.codeAction', { kind: 'source.fixAll.seaworthy', apply: 'first' });
    }),
  );
  return { client: () => client, ready };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
