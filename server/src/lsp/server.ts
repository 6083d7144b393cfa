import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  Connection, DidChangeConfigurationNotification, TextDocumentSyncKind, TextDocuments, CodeActionKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, AnalysisResult, Cancelled, parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { FileKind } from '../model/common';
import type { Model } from '../engine/rule';
import { codeActions, FIX_ALL_KIND, filesPayload, fixAllEdit, placeOf, readFileFor, hoverNotesAt, setWorkspaceTrusted } from './codeActions';
import { diagnosticsFor } from './diagnostics';
import { applyBaseline, BaselineCache } from './baseline';
import { ClientSettings, toEngineConfig } from './settings';
import { fanOutWatchedFiles, ProjectConfigs } from './projectConfig';
import { registerWorkspaceFeatures } from './workspace-features';
import { recordingHost } from '../workspace/index';
import { EditorCatalogue } from './editor-catalogue';
import { isCatalogueQuery } from '../workspace/catalogue';
import { detectKind } from '../parse/detect';
import { snippetCompletions } from './snippets';
import type { GuardStats } from './process-guard';
import { readDecodedText } from '../workspace/safe-read';
import { IncrementalManifest } from '../engine/incremental';
import { ChartCache } from '../workspace/helm-chart';
import { VERSION } from '../cli/version';

const DEFAULT_DEBOUNCE_MS = 200;

/** Counters a benchmark or test can read with the `seaworthy/stats` request. */
export interface ServerStats { analyses: number; cancelled: number; published: number; superseded: number }

export function startServer(connection: Connection, guard: GuardStats = { survivedErrors: 0 }): void {
  const documents = new TextDocuments(TextDocument);
  const results = new Map<string, { version: number; result: AnalysisResult }>();
  /** Open multi-document manifests: an edit re-analyses the edited documents only (engine/incremental.ts). */
  const manifests = new Map<string, IncrementalManifest>();
  const timers = new Map<string, NodeJS.Timeout>();
  const scheduledVersion = new Map<string, number>();
  const stats: ServerStats = { analyses: 0, cancelled: 0, published: 0, superseded: 0 };
  let settings: ClientSettings = {};
  let config: EngineConfig = toEngineConfig(undefined);
  let canPullConfig = false;
  let clientCommands = false;
  /** Whether the client has a Docker extension that shows Dockerfile syntax problems already. */
  let dockerExtension = false;
  fanOutWatchedFiles(connection);
  const projects = new ProjectConfigs(connection, documents, () => { for (const doc of documents.all()) schedule(doc, 0); });
  connection.onDidChangeWatchedFiles((p) => projects.watched(p));

  const log = (msg: string) => connection.console.log(`[seaworthy] ${msg}`);
  const baselines = new BaselineCache(log);

  let workspaceRoots: string[] = [];
  const editorCatalogue = new EditorCatalogue(() => workspaceRoots, (abs) => {
    const doc = documents.get(pathToFileURL(abs).toString());
    return doc && { text: doc.getText(), version: doc.version };
  }, () => config);

  connection.onInitialize((params) => {
    canPullConfig = !!params.capabilities.workspace?.configuration;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceRoots = folders.map(pathOf).filter((p) => !p.includes('://'));
    projects.initialize(params);
    const init = params.initializationOptions as { settings?: ClientSettings; trusted?: boolean; dockerExtension?: boolean; clientCommands?: boolean } | undefined;
    // Only the VS Code extension implements Seaworthy's client commands (snippets, one-undo multi-file fixes).
    clientCommands = init?.clientCommands === true;
    dockerExtension = init?.dockerExtension === true;
    settings = { ...(init?.settings ?? {}), dockerExtension };
    config = toEngineConfig(settings);
    // Limited mode in an untrusted workspace: no git (fixes that need it are refused with the reason).
    setWorkspaceTrusted(init?.trusted !== false);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        completionProvider: { resolveProvider: false },
        hoverProvider: true,
      },
      serverInfo: { name: 'seaworthy', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    void projects.register();
    if (canPullConfig) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'seaworthy' }).catch(() => undefined);
      await refreshSettings();
    }
  });

  async function refreshSettings(): Promise<void> {
    if (canPullConfig) {
      try { settings = ((await connection.workspace.getConfiguration('seaworthy')) as ClientSettings) ?? {}; } catch { /* keep previous */ }
    }
    settings = { ...settings, dockerExtension };
    config = toEngineConfig(settings);
    projects.invalidate();
    for (const doc of documents.all()) schedule(doc, 0);
    workspace.settingsChanged();
  }

  connection.onDidChangeConfiguration(async (change) => {
    if (!canPullConfig && change.settings?.seaworthy) settings = change.settings.seaworthy as ClientSettings;
    await refreshSettings();
  });

  function kindHint(doc: TextDocument): FileKind | undefined {
    if (doc.languageId === 'dockerfile') return 'dockerfile';
    // A document with no file name (untitled:) is told apart by its content, as a file named *.yaml is.
    if (doc.languageId === 'yaml' && !doc.uri.startsWith('file:')) return detectKind('document.yaml', doc.getText());
    return undefined;
  }

  function pathOf(uri: string): string {
    try { return uri.startsWith('file:') ? fileURLToPath(uri) : uri; } catch { return uri; }
  }

  function schedule(doc: TextDocument, delay: number): void {
    scheduledVersion.set(doc.uri, doc.version);
    const existing = timers.get(doc.uri);
    if (existing) { clearTimeout(existing); stats.superseded++; }
    timers.set(doc.uri, setTimeout(() => { timers.delete(doc.uri); void validate(doc.uri); }, delay));
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    if (settings.enable === false) { void connection.sendDiagnostics({ uri, diagnostics: [] }); workspace.edited(uri); return; }
    if (projects.isConfigFile(uri)) { void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: projects.diagnosticsOf(doc) }); workspace.edited(uri); return; }
    const { config: docConfig, ignored, baseline } = projects.configFor(pathOf(uri), settings);
    if (ignored) { results.delete(uri); void connection.sendDiagnostics({ uri, diagnostics: [] }); workspace.edited(uri); return; }
    const version = doc.version;
    const text = doc.getText();
    const isStale = () => documents.get(uri)?.version !== version;
    stats.analyses++;
    // With a live workspace index, the analysis records what it reads and the index takes it over.
    const deps = new Set<string>();
    const dirDeps = new Set<string>();
    const read = new Set<string>();
    const base = {
      fileExists: (p: string) => { try { return fs.existsSync(p); } catch { return false; } }, modelOf,
      textOf: (p: string) => { read.add(p); return textOf(p); },
      chartOf: (p: string) => charts.chartOf(p),
    };
    const recording = workspace.wantsHandover();
    let result: AnalysisResult;
    try {
      const host = { ...recordingHost(base, deps, dirDeps), isCancelled: isStale };
      const manifest = manifests.get(uri) ?? manifests.set(uri, new IncrementalManifest()).get(uri)!;
      result = await manifest.analyse(pathOf(uri), text, docConfig, host, kindHint(doc)) ?? await analyzeText(pathOf(uri), text, docConfig, host, kindHint(doc));
    } catch (e) {
      if (e instanceof Cancelled) { stats.cancelled++; return; }
      log(`analysis of ${uri} failed: ${(e as Error).stack ?? e}`);
      workspace.edited(uri);
      return;
    }
    // A newer edit arrived while this run awaited: its own run will publish.
    if (isStale()) { stats.cancelled++; return; }
    const handover = recording ? { text, result: { ...result }, deps, dirDeps } : undefined;
    for (const e of result.ruleErrors) log(`rule ${e.ruleId} failed on ${uri}: ${e.message}`);
    if (docConfig.rules['unused-suppression'] === 'off') result.unusedSuppressions = [];
    results.set(uri, { version, result });
    // What this analysis read (another Compose file, an env file, a chart's values.yaml): its edits re-analyse this document.
    readsOf.set(uri, new Set([...read, ...deps]));
    stats.published++;
    void connection.sendDiagnostics({ uri, version, diagnostics: applyBaseline(diagnosticsFor(result, uri), result, pathOf(uri), baseline, baselines) });
    // After the diagnostics: the index's update and the new score must not delay them.
    if (handover) workspace.analysed(uri, handover); else workspace.edited(uri);
  }

  /**
   * Other files' models (a Compose file's build context → its Dockerfile). Keystrokes in the Compose
   * file must not re-read and re-parse those files: a parsed model is reused until the open
   * document's version or the file's mtime changes.
   */
  /** Another file's text for the Compose project and env files: the open document's, else the disk's. */
  function textOf(abs: string): string | undefined {
    const open = documents.get(pathToFileURL(abs).toString());
    if (open) return open.getText();
    try { return readDecodedText(abs, config.maxFileBytes); } catch { return undefined; }
  }

  const otherModels = new Map<string, { stamp: string; model: Model | undefined }>();
  /** Charts rendered for templates and values.yaml: the open documents' text wins over the disk. */
  const charts = new ChartCache((abs) => {
    const open = documents.get(pathToFileURL(abs).toString());
    if (open) return open.getText();
    try { return readDecodedText(abs, config.maxFileBytes); } catch { return undefined; }
  });
  function modelOf(abs: string, kind: FileKind): Model | undefined {
    // A folder's manifests (reference resolution): the index's once the report has indexed the
    // workspace, else the editor's own catalogue of the manifests that define Secrets and ConfigMaps.
    if (isCatalogueQuery(abs, kind)) return workspace.catalogue(abs) ?? editorCatalogue.folder(abs);
    const open = documents.get(pathToFileURL(abs).toString());
    try {
      const stamp = open ? `v${open.version}` : `m${fs.statSync(abs).mtimeMs}`;
      const key = `${kind}\u0000${abs}`;
      const cached = otherModels.get(key);
      if (cached && cached.stamp === stamp) return cached.model;
      const prepared = prepareText(open ? open.getText() : readDecodedText(abs, config.maxFileBytes), config);
      const model = prepared.text === undefined ? undefined : parseModel(abs, prepared.text, kind);
      if (otherModels.size > 200) otherModels.clear();
      otherModels.set(key, { stamp, model });
      return model;
    } catch { return undefined; }
  }

  /** Other files each open document's analysis read (a Compose overlay reads its base and `.env`). */
  const readsOf = new Map<string, Set<string>>();
  /** An edit of one document changes the analyses of the open documents that read it. */
  function scheduleReaders(uri: string): void {
    const changed = pathOf(uri);
    for (const doc of documents.all()) if (doc.uri !== uri && readsOf.get(doc.uri)?.has(changed)) schedule(doc, settings.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => {
    // Opening a document also fires a content change for the version already scheduled: skip that one.
    if (scheduledVersion.get(e.document.uri) === e.document.version) return;
    schedule(e.document, settings.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    // Open documents whose analysis read this one (an overlay's base, a chart's values.yaml) follow the edit.
    scheduleReaders(e.document.uri);
    projects.edited(e.document.uri);
  });
  documents.onDidSave((e) => schedule(e.document, 0));
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    results.delete(e.document.uri);
    manifests.delete(e.document.uri);
    readsOf.delete(e.document.uri);
    scheduledVersion.delete(e.document.uri);
    projects.edited(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params) => {
    const entry = results.get(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    if (!entry || !doc || entry.version !== doc.version) return [];
    return codeActions(params, entry.result, {
      textOf: (u) => documents.get(u)?.getText(),
      versionOf: (u) => documents.get(u)?.version ?? null,
    }, undefined, projects.configFor(pathOf(params.textDocument.uri), settings).config, clientCommands);
  });

  /**
   * Every safe fix of an open document to a fixed point (the client's "Fix all" command and Ctrl+. entry):
   * the edits per file, how many fixes were applied and which were refused, for the version analysed.
   */
  connection.onRequest('seaworthy/fixAll', async (params: { textDocument: { uri: string; version?: number } }) => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
    const entry = doc && results.get(doc.uri);
    if (!doc || !entry?.result.model || entry.version !== doc.version) return { version: doc?.version ?? null, applied: 0, titles: [], refused: [], files: [] };
    const place = placeOf(doc.uri);
    const docs = { textOf: (u: string) => documents.get(u)?.getText(), versionOf: (u: string) => documents.get(u)?.version ?? null };
    const read = readFileFor(docs, place);
    const { config: docConfig } = projects.configFor(place.docPath, settings);
    const fixAll = await fixAllEdit(entry.result, place.docPath, read, undefined, docConfig);
    // A document with no file may only change itself.
    if (!place.onDisk && fixAll.changes.some((c) => c.file !== place.docPath)) {
      return { version: doc.version, applied: 0, titles: [], refused: [{ title: 'Fix all', reason: 'Save the document first: a fix also writes a file beside it.' }], files: [] };
    }
    return { version: doc.version, applied: fixAll.applied, titles: fixAll.titles, refused: fixAll.refused, files: filesPayload(fixAll.changes, place, read) };
  });

  // Why a finding's quick fix is refused (a secret into a git-tracked .env, an untrusted workspace, …).
  connection.onHover((params) => {
    const entry = results.get(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    if (!entry || !doc || entry.version !== doc.version) return null;
    const note = hoverNotesAt(entry.result, doc.uri, params.position, { textOf: (u) => documents.get(u)?.getText(), versionOf: (u) => documents.get(u)?.version ?? null });
    // Code spans in the messages stay code; other markup characters are shown as written.
    return note ? { contents: { kind: 'markdown', value: note.replace(/[\\*_[\]<>]/g, (c) => `\\${c}`) } } : null;
  });

  // Compose and Kubernetes snippets, only in a document recognised as one (snippets.ts).
  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || settings.enable === false) return [];
    const kind = kindHint(doc) ?? detectKind(pathOf(doc.uri), doc.getText());
    return snippetCompletions(kind);
  });

  connection.onRequest('seaworthy/stats', () => ({ ...stats, indexAnalyses: workspace.index()?.analyses ?? 0, survivedErrors: guard.survivedErrors }));
  const workspace = registerWorkspaceFeatures(connection, documents, () => config, (abs) => projects.configFor(abs, settings));

  documents.listen(connection);
  connection.listen();
}
