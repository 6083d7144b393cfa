import type { Model } from '../engine/rule';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CancellationToken, Connection, DidChangeWatchedFilesNotification, FileChangeType, ProgressToken, ResponseError, TextDocuments, WatchKind,
  WorkDoneProgress,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import type { EngineConfig } from '../engine/config';
import { PROJECT_CONFIG_NAMES } from '../engine/project-config';
import { renderReport, reportOf, REPORT_FORMATS, ReportFormat } from '../report';
import type { Report } from '../report/types';
import { excludeMatcher } from '../workspace/globs';
import { ChangeType, Handover, WorkspaceIndex } from '../workspace/index';

/** `seaworthy/report` params: an optional export format (the text comes back in `text`). */
export interface ReportParams {
  format?: ReportFormat; workDoneToken?: string | number;
  /**
   * The documents the client has open, which it sends (again, after a server restart) as didOpen: the
   * answer and the score wait for them (at most OPEN_WAIT_MS), so they count their unsaved text.
   */
  openDocuments?: string[];
}
export interface ReportResponse { report: Report; text?: string; durationMs: number; analyses: number }
/** `seaworthy/score`: what the status bar shows; sent after every scan and every re-analysis. */
/** `seaworthy/memory` (benchmarks, debugging): the server's memory in bytes; `gc` collects garbage first to see what is live. */
export interface MemoryParams { gc?: boolean }
export interface MemoryResponse {
  rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number;
  /** V8 heap spaces (new_space, old_space, code_space, large_object_space, ...): committed and used bytes. */
  spaces: Record<string, { size: number; used: number }>;
}
export interface ScoreNotice { score: number; status: Report['status']; files: number; findings: number; errors: number; warnings: number }

export interface WorkspaceFeatures {
  /** The index, once the first report request has built it. */
  index(): WorkspaceIndex | undefined;
  /** The workspace's manifest catalogue under a folder, once a scan has indexed the workspace. */
  catalogue(folder: string): Model | undefined;
  /** Whether the editor should analyse with a recording host and hand its result over (the index is live). */
  wantsHandover(): boolean;
  /** The editor analysed an open document: the index takes the result instead of analysing it again. */
  analysed(uri: string, handover: Handover): void;
  /** The editor did not analyse this version of an open document (disabled, ignored, failed): the index does. */
  edited(uri: string): void;
  /** Settings changed (rules, severities, seaworthy.enable): an indexed workspace is scanned again and its score sent. */
  settingsChanged(): void;
}

/** Quiet time after the last file event (or editor change the index must read) before the batch is applied. */
const BATCH_DELAY_MS = 300;
const MAX_BATCH_WAIT_MS = 2000;
const SCORE_DELAY_MS = 250;
/** How long a report waits for the client's open documents to arrive (a restarted server's first score). */
const OPEN_WAIT_MS = 3000;

interface Progress { report(percentage: number, message?: string): void; done(): void }

/** `$/progress` for the client's work-done token; throttled, since a scan reports per file. */
function progressFor(connection: Connection, token: ProgressToken | undefined, title: string): Progress | undefined {
  if (token === undefined) return undefined;
  void connection.sendProgress(WorkDoneProgress.type, token, { kind: 'begin', title, cancellable: true, percentage: 0 });
  let last = -1;
  return {
    report(percentage, message) {
      if (percentage === last) return;
      last = percentage;
      void connection.sendProgress(WorkDoneProgress.type, token, { kind: 'report', percentage, message });
    },
    done() { void connection.sendProgress(WorkDoneProgress.type, token, { kind: 'end' }); },
  };
}

/**
 * The workspace-wide side of the server: the report request (scan with work-done progress and
 * cancellation), file watching for incremental updates, and the score notification. server.ts calls
 * this once; nothing here runs until the client first asks for a report, so a server used only for
 * diagnostics does no workspace scan.
 */
export function registerWorkspaceFeatures(
  connection: Connection, documents: TextDocuments<TextDocument>, getConfig: () => EngineConfig,
  /** Per-file `.seaworthy.yaml` resolution, as the diagnostics use it. */
  project?: (abs: string) => { config: EngineConfig; ignored: boolean },
): WorkspaceFeatures {
  let index: WorkspaceIndex | undefined;
  // Compared by value: the server replaces its config object on every settings refresh, even an unchanged one.
  let indexedWith: string | undefined;
  const configKey = () => JSON.stringify(getConfig());
  let scanned: Promise<boolean> | undefined;
  /** The index that finished its scan: the only one whose manifest catalogue is complete. */
  let complete: WorkspaceIndex | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let watching = false;
  const log = (m: string) => connection.console.log(`[seaworthy] ${m}`);

  const pathOf = (uri: string) => { try { return fileURLToPath(uri); } catch { return undefined; } };
  const overlay = (abs: string) => documents.get(pathToFileURL(abs).toString())?.getText();
  // The queue must not hold the last result: a report response is tens of megabytes on a large workspace.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => { const p = queue.then(fn, fn); queue = p.then(() => undefined, () => undefined); return p; };

  /**
   * The score after index updates: computing it builds the whole report, so updates that follow each
   * other closely (an analysis per edit of an open document) share one.
   */
  let scoreTimer: NodeJS.Timeout | undefined;
  function notifyScoreSoon(): void {
    scoreTimer ??= setTimeout(() => { scoreTimer = undefined; notifyScore(); }, SCORE_DELAY_MS);
  }

  function notifyScore(): void {
    if (!index) return;
    const r = reportOf(index);
    const notice: ScoreNotice = { score: r.score, status: r.status, files: r.totals.files, findings: r.totals.findings, errors: r.totals.error, warnings: r.totals.warning };
    void connection.sendNotification('seaworthy/score', notice);
  }

  async function roots(): Promise<string[]> {
    const folders = (await connection.workspace.getWorkspaceFolders().catch(() => null)) ?? [];
    return folders.map((f) => pathOf(f.uri)).filter((p): p is string => !!p);
  }

  async function exclusions(rootPaths: string[]): Promise<(abs: string) => boolean> {
    const [files, search] = await Promise.all([
      connection.workspace.getConfiguration('files.exclude').catch(() => ({})),
      connection.workspace.getConfiguration('search.exclude').catch(() => ({})),
    ]);
    const invalid: string[] = [];
    const matcher = excludeMatcher(rootPaths, { ...(files ?? {}), ...(search ?? {}) } as Record<string, unknown>, (e) => invalid.push(`"${e.glob}": ${e.reason}`));
    if (invalid.length) {
      const message = `Seaworthy: ignoring invalid files.exclude / search.exclude pattern${invalid.length > 1 ? 's' : ''} ${invalid.join('; ')}. The other patterns still apply.`;
      log(message);
      void connection.window.showWarningMessage(message);
    }
    return matcher;
  }

  async function watch(): Promise<void> {
    if (watching) return;
    watching = true;
    // Any file can be a dependency (env files, build contexts), not only the ones we analyse.
    await connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete }],
    }).catch((e) => log(`file watching unavailable: ${(e as Error).message}`));
  }

  async function ensureIndex(progress: Progress | undefined, token: CancellationToken | undefined): Promise<WorkspaceIndex> {
    const config = getConfig();
    if (!index || indexedWith !== configKey() || !scanned) {
      const rootPaths = await roots();
      if (!rootPaths.length) throw new ResponseError(1, 'Open a folder or workspace to get a Production Readiness Report.');
      const excluded = await exclusions(rootPaths);
      index = new WorkspaceIndex({
        roots: rootPaths, config, overlay,
        configFor: project && ((abs) => project(abs).config),
        isIgnored: (abs) => excluded(abs) || !!project?.(abs).ignored,
        kindHint: (abs) => (documents.get(pathToFileURL(abs).toString())?.languageId === 'dockerfile' ? 'dockerfile' : undefined),
      });
      indexedWith = configKey();
      const ix = index;
      scanned = ix.scan({
        isCancelled: () => !!token?.isCancellationRequested,
        onProgress: (done, total, file) => progress?.report(total ? Math.floor((done / total) * 100) : 0, file ? `${done}/${total} ${file.slice(file.lastIndexOf('/') + 1)}` : undefined),
      });
      const finished = await scanned;
      if (!finished) { scanned = undefined; throw new ResponseError(-32800, 'Report cancelled.'); }
      complete = ix;
      void watch();
      notifyScore();
    } else if (!(await scanned)) {
      scanned = undefined;
      return ensureIndex(progress, token);
    }
    return index;
  }

  connection.onRequest('seaworthy/report', (params: ReportParams | undefined, token: CancellationToken) => {
    // File events still waiting for their batch go first: the report shows the files as they are now.
    flushChanges();
    return report(params, token);
  });

  /** Resolves once every listed document is open here, or after OPEN_WAIT_MS. */
  function opened(uris: unknown): Promise<void> {
    const missing = () => (Array.isArray(uris) ? uris : []).filter((u) => typeof u === 'string' && !documents.get(u));
    if (!missing().length) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); sub.dispose(); resolve(); };
      const timer = setTimeout(done, OPEN_WAIT_MS);
      const sub = documents.onDidOpen(() => { if (!missing().length) done(); });
    });
  }

  const report = (params: ReportParams | undefined, token: CancellationToken) => serial(async () => {
    const started = Date.now();
    // After a restart the client asks for the score before it has sent its open documents again.
    await opened(params?.openDocuments);
    const workDone = progressFor(connection, params?.workDoneToken, 'Seaworthy: scanning the workspace');
    try {
      const prior = index;
      const before = index?.analyses ?? 0;
      const ix = await ensureIndex(workDone, token);
      const report = reportOf(ix);
      const format = params?.format && REPORT_FORMATS.includes(params.format) ? params.format : undefined;
      const response: ReportResponse = { report, durationMs: Date.now() - started, analyses: ix === prior ? ix.analyses - before : ix.analyses };
      if (format) response.text = renderReport(report, format);
      return response;
    } finally { workDone?.done(); }
  });

  /**
   * File events wait here and are applied together: a branch switch sends hundreds, and each applied on
   * its own re-analysed the same readers and rebuilt the whole report hundreds of times.
   */
  const pending = new Map<string, ChangeType>();
  let flushTimer: NodeJS.Timeout | undefined;
  let firstPending = 0;
  function queueChange(abs: string, type: ChangeType): void {
    if (!index || !scanned) return;
    const prior = pending.get(abs);
    // Created then changed is still new (a created folder is walked); deleted then created exists again.
    pending.set(abs, type === 'changed' && prior === 'created' ? 'created' : type);
    if (!flushTimer) firstPending = Date.now();
    else clearTimeout(flushTimer);
    // Events that keep coming (a long checkout) are applied at least every MAX_BATCH_WAIT_MS.
    const wait = Math.max(0, Math.min(BATCH_DELAY_MS, firstPending + MAX_BATCH_WAIT_MS - Date.now()));
    flushTimer = setTimeout(flushChanges, wait);
  }

  function flushChanges(): void {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const changes = [...pending].map(([abs, change]) => ({ path: abs, change }));
    pending.clear();
    if (!changes.length) return;
    if (changes.some((c) => PROJECT_CONFIG_NAMES.includes(path.basename(c.path)))) { void rescan(); return; }
    void serial(async () => {
      if (!index || indexedWith !== configKey()) return;
      await index.updateMany(changes);
    }).then(notifyScoreSoon, (e) => log(`index update failed: ${(e as Error).stack ?? e}`));
  }

  connection.onDidChangeWatchedFiles((params) => {
    for (const c of params?.changes ?? []) {
      const abs = typeof c?.uri === 'string' ? pathOf(c.uri) : undefined;
      // An open document's text is the editor's: its own change events drive it.
      if (!abs || (c.type === FileChangeType.Changed && documents.get(c.uri))) continue;
      queueChange(abs, c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed');
    }
  });

  /** A `.seaworthy.yaml` changed: every file's configuration may have; start over (in the background). */
  async function rescan(): Promise<void> {
    if (!index) return;
    await serial(async () => { scanned = undefined; await ensureIndex(undefined, undefined); }).catch((e) => log(`rescan failed: ${(e as Error).message}`));
  }

  const onEdit = (uri: string) => {
    const abs = pathOf(uri);
    if (abs) queueChange(abs, 'changed');
  };
  // Edits of open documents reach the index from the editor's own analysis (analysed / edited below).
  documents.onDidClose((e) => onEdit(e.document.uri));
  const live = () => !!index && complete === index && indexedWith === configKey();

  connection.onRequest('seaworthy/memory', (params: MemoryParams | undefined): MemoryResponse => {
    if (params?.gc) collectGarbage();
    const m = process.memoryUsage();
    const spaces: MemoryResponse['spaces'] = {};
    for (const sp of v8.getHeapSpaceStatistics()) spaces[sp.space_name] = { size: sp.space_size, used: sp.space_used_size };
    return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, spaces };
  });

  return {
    index: () => index,
    wantsHandover: live,
    analysed(uri, handover) {
      const abs = pathOf(uri);
      if (!abs || !live()) return;
      pending.delete(abs);
      // On a later turn of the event loop, so the diagnostics just sent are written out first.
      setImmediate(() => {
        void serial(async () => { if (live()) await index!.update(abs, 'changed', handover); }).then(notifyScoreSoon, (e) => log(`index update failed: ${(e as Error).message}`));
      });
    },
    edited: onEdit,
    // Without this the score stayed the one computed with the old settings until the next report request.
    settingsChanged: () => { if (index && indexedWith !== configKey()) void rescan(); },
    catalogue: (folder: string) => (live() ? index!.hostFor().modelOf?.(folder, 'kubernetes') : undefined),
  };
}

/** A full garbage collection, for the `seaworthy/memory` diagnostics only (the server never needs one). */
function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
