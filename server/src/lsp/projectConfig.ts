import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  Connection, Diagnostic, DiagnosticSeverity, DidChangeWatchedFilesNotification, DidChangeWatchedFilesParams, InitializeParams, TextDocuments, WatchKind,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineConfig } from '../engine/config';
import { parseProjectConfig, PROJECT_CONFIG_NAMES, ProjectConfigResolver } from '../engine/project-config';
import { ClientSettings, toEngineConfig } from './settings';

/**
 * `.seaworthy.yaml` in the language server: the config for each document (project file < VS Code
 * settings), live reload when a config file is edited, saved, created or deleted, and the config
 * file's own errors as diagnostics on it.
 */
export class ProjectConfigs {
  private roots: string[] = [];
  private resolver: ProjectConfigResolver;
  private readonly byConfigFile = new Map<string, EngineConfig>();
  private canWatch = false;

  constructor(private readonly connection: Connection, private readonly documents: TextDocuments<TextDocument>, private readonly onChange: () => void) {
    this.resolver = this.newResolver();
  }

  /** An open config document's unsaved text counts: the editor shows what it will do as you type. */
  private newResolver(): ProjectConfigResolver {
    return new ProjectConfigResolver(this.roots, (abs) => {
      const open = this.documents.get(pathToFileURL(abs).toString());
      if (open) return open.getText();
      try { return fs.readFileSync(abs, 'utf8'); } catch { return undefined; }
    });
  }

  initialize(params: InitializeParams): void {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.roots = uris.flatMap((u) => { try { return [fileURLToPath(u)]; } catch { return []; } });
    this.canWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.invalidate();
  }

  async register(): Promise<void> {
    if (!this.canWatch) return;
    await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: PROJECT_CONFIG_NAMES.map((n) => ({ globPattern: `**/${n}`, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete })),
    }).catch(() => undefined);
  }

  isConfigFile(uri: string): boolean {
    return PROJECT_CONFIG_NAMES.some((n) => uri.endsWith('/' + n));
  }

  /** Forget cached configs (settings or a config file changed). */
  invalidate(): void {
    this.resolver = this.newResolver();
    this.byConfigFile.clear();
  }

  /** The effective config of a document, or `ignored` when the project's `ignore` excludes it. */
  configFor(abs: string, settings: ClientSettings): { config: EngineConfig; ignored: boolean } {
    const { project, ignored } = this.resolver.forFile(abs);
    const key = project?.file ?? '';
    let config = this.byConfigFile.get(key);
    if (!config) { config = toEngineConfig(settings, project?.config); this.byConfigFile.set(key, config); }
    return { config, ignored };
  }

  diagnosticsOf(doc: TextDocument): Diagnostic[] {
    const file = fileURLToPath(doc.uri);
    return parseProjectConfig(file, doc.getText()).errors.map((e) => ({
      range: e.range, severity: DiagnosticSeverity.Error, source: 'seaworthy', code: 'config', message: e.message,
    }));
  }

  /** File events: a config file created, changed or deleted on disk re-analyses every open document. */
  watched(params: DidChangeWatchedFilesParams): void {
    if (params.changes.some((c) => this.isConfigFile(c.uri))) { this.invalidate(); this.onChange(); }
  }

  /** A config document was edited in the editor. */
  edited(uri: string): void {
    if (this.isConfigFile(uri)) { this.invalidate(); this.onChange(); }
  }
}

/**
 * The connection takes one `workspace/didChangeWatchedFiles` handler; several parts of the server
 * need the events. Later `onDidChangeWatchedFiles` calls add a listener instead of replacing it.
 */
export function fanOutWatchedFiles(connection: Connection): void {
  const listeners: ((p: DidChangeWatchedFilesParams) => void)[] = [];
  connection.onDidChangeWatchedFiles((p) => { for (const l of listeners) l(p); });
  connection.onDidChangeWatchedFiles = (handler) => {
    listeners.push(handler);
    return { dispose: () => { const i = listeners.indexOf(handler); if (i >= 0) listeners.splice(i, 1); } };
  };
}
