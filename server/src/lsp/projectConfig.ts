import { fileURLToPath, pathToFileURL } from 'url';
import {
  Connection, Diagnostic, DiagnosticSeverity, DidChangeWatchedFilesNotification, DidChangeWatchedFilesParams, InitializeParams, TextDocuments, WatchKind,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineConfig } from '../engine/config';
import { ConfigError, parseProjectConfig, PROJECT_CONFIG_NAMES, ProjectConfigResolver } from '../engine/project-config';
import { ClientSettings, toEngineConfig } from './settings';
import { readTextFile, SIDE_FILE_MAX_BYTES } from '../workspace/safe-read';
import { baselineFor, EditorBaseline } from './baseline';

/**
 * `.seaworthy.yaml` in the language server: the config for each document (project file < VS Code
 * settings), live reload when a config file is edited, saved, created or deleted, and the config
 * file's own errors as diagnostics on it.
 */
export class ProjectConfigs {
  private roots: string[] = [];
  private resolver: ProjectConfigResolver;
  private readonly byConfigFile = new Map<string, EngineConfig>();
  /** Config files read from disk (not open) whose errors were published, and those checked since the last reload. */
  private readonly shownFromDisk = new Set<string>();
  private readonly checkedFromDisk = new Set<string>();
  private canWatch = false;

  constructor(private readonly connection: Connection, private readonly documents: TextDocuments<TextDocument>, private readonly onChange: () => void) {
    this.resolver = this.newResolver();
  }

  /** An open config document's unsaved text counts: the editor shows what it will do as you type. */
  private newResolver(): ProjectConfigResolver {
    return new ProjectConfigResolver(this.roots, (abs) => {
      const open = this.documents.get(pathToFileURL(abs).toString());
      if (open) return open.getText();
      return readTextFile(abs, SIDE_FILE_MAX_BYTES);
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
    this.checkedFromDisk.clear();
    // A config file fixed or deleted on disk: its old errors go (or are shown again if still there).
    for (const file of [...this.shownFromDisk]) this.showDiskErrors(file, this.resolver.load(file).errors);
  }

  /**
   * A config file that is not open still gets its mistakes (an invalid glob, an unknown key) shown on
   * it, in the Problems panel: otherwise a broken `ignore` would silently analyse what it meant to skip.
   */
  private showDiskErrors(file: string, errors: ConfigError[]): void {
    const uri = pathToFileURL(file).toString();
    this.checkedFromDisk.add(file);
    if (this.documents.get(uri)) return;
    if (!errors.length && !this.shownFromDisk.has(file)) return;
    if (errors.length) this.shownFromDisk.add(file); else this.shownFromDisk.delete(file);
    void this.connection.sendDiagnostics({ uri, diagnostics: toDiagnostics(errors) });
  }

  /** The effective config of a document, or `ignored` when the project's `ignore` excludes it. */
  configFor(abs: string, settings: ClientSettings): { config: EngineConfig; ignored: boolean; baseline?: EditorBaseline } {
    const { project, ignored } = this.resolver.forFile(abs);
    if (project && !this.checkedFromDisk.has(project.file)) this.showDiskErrors(project.file, project.errors);
    const key = project?.file ?? '';
    let config = this.byConfigFile.get(key);
    if (!config) { config = toEngineConfig(settings, project?.config); this.byConfigFile.set(key, config); }
    return { config, ignored, baseline: baselineFor(project, settings, this.roots) };
  }

  diagnosticsOf(doc: TextDocument): Diagnostic[] {
    const file = fileURLToPath(doc.uri);
    return toDiagnostics(parseProjectConfig(file, doc.getText()).errors);
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

function toDiagnostics(errors: ConfigError[]): Diagnostic[] {
  return errors.map((e) => ({ range: e.range, severity: DiagnosticSeverity.Error, source: 'seaworthy', code: 'config', message: e.message }));
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
