import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, Finding, parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { Model } from '../engine/rule';
import type { FileKind } from '../model/common';
import type { Range } from '../model/range';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { detectKind, isCandidatePath } from '../parse/detect';
import { CatalogueEntry, catalogueEntriesOf, catalogueModel, catalogueObjects, isCatalogueQuery } from './catalogue';
import { collectFiles, SkippedPath } from './files';
import { readProblem, readDecodedText, readDecodedOrUndefined, UnreadableFile } from './safe-read';
import { computeLinks, factsOf, IndexedResult, WorkspaceLinks } from './links';
import { readFromDisk } from './env-files';
import { ChartCache } from './helm-chart';
import { threadsFor } from '../engine/worker-pool';
import { scanInParallel } from './parallel-index';

export interface IndexOptions {
  /** Workspace folders (absolute); a root may also be a single file. */
  roots: string[];
  config: EngineConfig;
  /** Per-file configuration (`.seaworthy.yaml` over the base config); `config` when absent. */
  configFor?: (abs: string) => EngineConfig;
  /** files.exclude / search.exclude and similar: matching files and folders are neither walked nor analysed. */
  isIgnored?: (abs: string) => boolean;
  /** Text of an open editor document, which wins over the disk. */
  overlay?: (abs: string) => string | undefined;
  /** A kind the editor knows better than the name (a document whose language is dockerfile). */
  kindHint?: (abs: string) => FileKind | undefined;
  /** Worker threads for a scan: 1 keeps it on this thread; undefined decides by the number of files (threadsFor). */
  threads?: number;
}

/** One file's analysis as a worker thread of a parallel scan sends it (parallel-index.ts). */
export interface SharedAnalysis { result: IndexedResult; deps: string[]; dirDeps: string[] }

export interface ScanControl {
  onProgress?(done: number, total: number, file: string): void;
  isCancelled?(): boolean;
}

export type ChangeType = 'created' | 'changed' | 'deleted';

/**
 * An analysis of an open document that the editor has just made for its diagnostics, handed to the
 * index so the file is not analysed twice. Its host must have been wrapped by recordingHost.
 */
export interface Handover { text: string; result: AnalysisResult; deps: Set<string>; dirDeps: Set<string> }

/**
 * Wraps a host so that every file or folder a rule asks about is recorded: the index re-analyses a
 * file when something its analysis looked at changes.
 */
export function recordingHost(base: AnalyzeHost, deps: Set<string>, dirDeps: Set<string>): AnalyzeHost {
  return {
    ...base,
    fileExists: (p) => { deps.add(path.resolve(p)); return base.fileExists(p); },
    modelOf: (p, kind) => {
      const abs = path.resolve(p);
      if (isCatalogueQuery(abs, kind)) dirDeps.add(abs); else deps.add(abs);
      return base.modelOf?.(abs, kind);
    },
    textOf: (p) => { const abs = path.resolve(p); deps.add(abs); return base.textOf ? base.textOf(abs) : readFromDisk(abs); },
    chartOf: base.chartOf && ((p) => {
      const chart = base.chartOf!(p);
      if (chart) {
        // A template reads values.yaml, Chart.yaml and the helpers; values.yaml renders every template.
        for (const f of chart.inputs) deps.add(f);
        if (path.resolve(p) === chart.valuesPath) for (const f of chart.templates) deps.add(f);
      }
      return chart;
    }),
  };
}

/** One analysed file: its findings as plain data and its link facts; never its model or text. */
interface Entry { result: IndexedResult; deps: Set<string>; dirDeps: Set<string> }

/**
 * Parsed models of other files (a Compose file's Dockerfile, the manifest catalogue) are shared by the
 * analyses of one scan or one update, and dropped when it ends: kept for the whole workspace they cost
 * 20–30× the size of the text.
 */
interface Batch { models: Map<string, Model | undefined>; catalogues: Map<string, KubernetesModel>; objects: Map<string, KubeObject[]> }
const newBatch = (): Batch => ({ models: new Map(), catalogues: new Map(), objects: new Map() });

const copyRange = (r: Range): Range => ({ start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } });

/** A finding as data: no fix closure (it holds the model; code actions re-analyse the open document). */
function plainFinding(f: Finding): Finding {
  const out: Finding = { ruleId: f.ruleId, category: f.category, severity: f.severity, message: f.message, range: copyRange(f.range), fixAvailability: f.fixAvailability };
  if (f.related) out.related = f.related.map((r) => (r.file === undefined ? { message: r.message, range: copyRange(r.range) } : { message: r.message, range: copyRange(r.range), file: r.file }));
  if (f.suppressed) out.suppressed = { ...f.suppressed };
  return out;
}

/**
 * What the index keeps of an analysis: everything but the model and the fix closures, plus the link facts.
 * The JSON round trip makes every string its own: a message or name sliced from the file's text would
 * otherwise keep the whole text alive.
 */
export function slim(r: AnalysisResult): IndexedResult {
  const out: IndexedResult = {
    path: r.path, findings: r.findings.map(plainFinding), suppressed: r.suppressed.map(plainFinding),
    unusedSuppressions: r.unusedSuppressions.map((u) => ({ ...u, ruleIds: [...u.ruleIds], range: copyRange(u.range), objectRange: u.objectRange && copyRange(u.objectRange) })),
    problems: r.problems.map((p) => ({ message: p.message, range: copyRange(p.range), severity: p.severity })),
    ruleErrors: r.ruleErrors.map((e) => ({ ruleId: e.ruleId, message: e.message })),
  };
  if (r.kind) out.kind = r.kind;
  if (r.model) out.facts = factsOf(r.path, r.model);
  return JSON.parse(JSON.stringify(out)) as IndexedResult;
}

/**
 * Analyses resolve without a macrotask (only secretlint, when it runs, awaits anything): a loop of them
 * would keep the event loop from reading the client's messages, firing timers or noticing that stdin
 * closed. The returned function yields to the event loop once some milliseconds have passed.
 */
function yieldingEvery(ms = 20): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < ms) return;
    await new Promise<void>((r) => setImmediate(r));
    last = Date.now();
  };
}

const EMPTY_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * The workspace's Dockerfiles, Compose files and manifests, analysed once and kept up to date file by
 * file. It is the rules' AnalyzeHost: every `fileExists`/`modelOf` a rule asks is recorded, so a change
 * re-analyses only the changed file and the files whose analysis looked at it.
 */
export class WorkspaceIndex {
  readonly roots: string[];
  /** Analyses run since creation (tests and benchmarks read it to prove incrementality). */
  analyses = 0;
  private readonly entries = new Map<string, Entry>();
  /** Paths the last walk did not look into, with the reason (the report lists them as problems). */
  private readonly skipped = new Map<string, SkippedPath>();
  private readonly known = new Set<string>();
  private batch?: Batch;
  /** Each manifest's objects for the folder catalogue, kept compactly (parsed once, until the file changes). */
  private readonly catalogueEntries = new Map<string, CatalogueEntry[]>();
  private batchDepth = 0;
  private readonly kinds = new Map<string, FileKind | undefined>();
  private linkCache?: WorkspaceLinks;
  private readonly charts = new ChartCache((abs) => this.read(abs), (abs) => this.exists(abs));

  constructor(private opts: IndexOptions) {
    this.roots = opts.roots.map((r) => path.resolve(r));
  }

  get config(): EngineConfig { return this.opts.config; }

  /** New settings invalidate every analysis; the caller rescans. */
  reconfigure(patch: Partial<IndexOptions>): void {
    this.opts = { ...this.opts, ...patch };
    if (this.batch) this.batch = newBatch();
    this.catalogueEntries.clear();
    this.kinds.clear();
    this.entries.clear();
    this.skipped.clear();
    this.known.clear();
    this.linkCache = undefined;
  }

  /** Walks the roots and analyses every candidate file (yielding to the event loop between files). */
  async scan(control: ScanControl = {}): Promise<boolean> {
    return this.inBatch(() => this.scanFiles(control));
  }

  private async scanFiles(control: ScanControl): Promise<boolean> {
    const files = this.discover();
    this.known.clear();
    for (const f of files) this.known.add(f);
    for (const m of [this.entries, this.catalogueEntries]) for (const p of [...m.keys()]) if (!this.known.has(p)) m.delete(p);
    const threads = threadsFor(files.length, this.opts.threads);
    if (threads > 1) return scanInParallel(this, files, threads, this.opts, control);
    let done = 0;
    const yielder = yieldingEvery();
    for (const f of files) {
      if (control.isCancelled?.()) return false;
      control.onProgress?.(done, files.length, f);
      await this.analyse(f);
      done++;
      await yielder();
    }
    control.onProgress?.(files.length, files.length, '');
    return true;
  }

  /** Analysed files in path order: the report's input. Files of no kind we know are left out. */
  results(): IndexedResult[] {
    const skipped = [...this.skipped.entries()].filter(([p]) => !this.entries.has(p)).map(([p, s]): [string, IndexedResult] => [p, {
      path: p, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: [{ severity: s.severity, message: s.message, range: EMPTY_RANGE }],
    }]);
    return [...[...this.entries.entries()].map(([p, e]): [string, IndexedResult] => [p, e.result]), ...skipped].filter(([, r]) => r.kind || r.problems.length)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  result(abs: string): IndexedResult | undefined { return this.entries.get(path.resolve(abs))?.result; }

  links(): WorkspaceLinks {
    this.linkCache ??= computeLinks(this.results(), (p) => this.exists(p));
    return this.linkCache;
  }

  /**
   * Files whose last analysis asked about `abs` (or about something inside it, when it is a folder), and,
   * when `viaCatalogue`, the files that read the manifest catalogue of a folder holding it.
   */
  dependentsOf(abs: string, viaCatalogue = false): string[] {
    const target = path.resolve(abs);
    const out = this.readersOf(new Set([target]), viaCatalogue ? new Set([target]) : new Set());
    out.delete(target);
    return [...out].sort();
  }

  /**
   * One pass over the index: the files that asked about one of `paths` (or something inside one of them),
   * and those that read the catalogue of a folder holding one of `catalogueChanges`.
   */
  private readersOf(paths: Set<string>, catalogueChanges: Set<string>): Set<string> {
    const out = new Set<string>();
    const hit = (p: string, set: Set<string>) => { for (let d = p; ; d = path.dirname(d)) { if (set.has(d)) return true; if (path.dirname(d) === d) return false; } };
    for (const [p, e] of this.entries) {
      let reads = false;
      for (const d of e.deps) if (hit(d, paths)) { reads = true; break; }
      if (!reads && catalogueChanges.size) for (const c of catalogueChanges) if ([...e.dirDeps].some((d) => c === d || c.startsWith(d.endsWith(path.sep) ? d : d + path.sep))) { reads = true; break; }
      if (reads) out.add(p);
    }
    return out;
  }

  /**
   * A file was created, changed or deleted (watcher or editor). Re-analyses it and its dependents and
   * returns the paths analysed again.
   */
  async update(abs: string, change: ChangeType, handover?: Handover): Promise<string[]> {
    return this.updateMany([{ path: abs, change, handover }]);
  }

  /**
   * Many files changed at once (a branch switch, a batch of watcher events): each changed file is
   * analysed once, and each file whose last analysis looked at one of them once, however many of its
   * dependencies changed. Manifests that read the workspace catalogue are analysed again only when the
   * catalogue's objects changed. Yields to the event loop between analyses, so requests, cancellation
   * and the end of the client's process are noticed while it runs. Returns the paths analysed again.
   */
  async updateMany(changes: { path: string; change: ChangeType; handover?: Handover }[]): Promise<string[]> {
    const targets = new Map<string, { change: ChangeType; handover?: Handover }>();
    for (const c of changes) {
      const p = path.resolve(c.path);
      // The document has changed since the editor's analysis: the analysis of the newer text will come.
      if (!this.inRoots(p) || (c.handover && this.read(p) !== c.handover.text)) continue;
      targets.set(p, { change: c.change, handover: c.handover });
    }
    if (!targets.size) return [];
    return this.inBatch(() => this.updatePaths(targets));
  }

  private async updatePaths(targets: Map<string, { change: ChangeType; handover?: Handover }>): Promise<string[]> {
    const batch = this.batch!;
    const under = (p: string, k: string) => k === p || k.startsWith(p + path.sep);
    // What each changed path contributed to the catalogue, before the change.
    const catalogueBefore = new Map<string, string>();
    const catalogueRead = [...this.entries.values()].some((e) => e.dirDeps.size > 0);
    for (const p of targets.keys()) {
      if (catalogueRead) catalogueBefore.set(p, this.catalogueKey(p, true));
      for (const k of [...batch.models.keys()]) if (under(p, k.slice(k.indexOf('\u0000') + 1))) batch.models.delete(k);
      for (const m of [batch.objects, this.catalogueEntries, this.kinds]) for (const k of [...m.keys()]) if (under(p, k)) m.delete(k);
    }
    batch.catalogues.clear();
    this.linkCache = undefined;
    const readers = this.readersOf(new Set(targets.keys()), new Set());
    const again = new Set<string>();
    const yielder = yieldingEvery();
    for (const [p, { change, handover }] of targets) {
      if (change === 'deleted' || !this.exists(p)) {
        this.forgetSkipped([p]);
        for (const f of [...this.known]) if (under(p, f)) { this.known.delete(f); this.entries.delete(f); readers.delete(f); }
      } else if (this.isFile(p)) {
        if (isCandidatePath(p) && !this.ignored(p)) {
          this.known.add(p);
          if (handover) this.store(p, handover.result, handover.deps, handover.dirDeps); else await this.analyse(p);
          again.add(p);
        }
      } else if (change === 'created') {
        // A folder appeared (moved in, checked out): index what it holds.
        for (const f of this.discover([p])) { this.known.add(f); batch.catalogues.clear(); await this.analyse(f); again.add(f); await yielder(); }
      }
      batch.catalogues.clear();
      await yielder();
    }
    // The catalogue's readers only when the catalogue's objects changed, not at every edit of a manifest.
    const catalogueChanges = new Set([...catalogueBefore].filter(([p, before]) => this.catalogueKey(p) !== before).map(([p]) => p));
    if (catalogueChanges.size) for (const r of this.readersOf(new Set(), catalogueChanges)) readers.add(r);
    for (const d of [...readers].sort()) {
      if (again.has(d) || !this.known.has(d)) continue;
      await this.analyse(d);
      again.add(d);
      await yielder();
    }
    return [...again];
  }

  /**
   * The catalogue objects of the manifests at or under `p`, as a comparable string. `kept` reads only the
   * entries already kept (the state before a change: the disk may already hold the new text).
   */
  private catalogueKey(p: string, kept = false): string {
    const files = [...this.known].filter((f) => f === p || f.startsWith(p + path.sep)).sort();
    const parts: string[] = [];
    for (const f of files) {
      if (!this.catalogueEntries.has(f) && (kept || this.kindOf(f) !== 'kubernetes')) continue;
      this.catalogueObjectsOf(f);
      parts.push(f, JSON.stringify(this.catalogueEntries.get(f) ?? []));
    }
    return parts.join('\u0000');
  }

  /** An AnalyzeHost for analysing `file`; every question it is asked becomes a dependency of `file`. */
  hostFor(deps: Set<string> = new Set(), dirDeps: Set<string> = new Set()): AnalyzeHost {
    return recordingHost({
      fileExists: (p) => this.exists(p),
      textOf: (p) => this.read(p),
      chartOf: (p) => this.charts.chartOf(p),
      modelOf: (abs, kind) => (isCatalogueQuery(abs, kind) ? this.catalogue(abs) : this.modelOf(abs, kind)),
    }, deps, dirDeps);
  }

  /** A file's model, parsed on demand (and shared while a scan or an update runs). */
  modelOf(abs: string, kind: FileKind): Model | undefined {
    const key = `${kind}\u0000${abs}`;
    const cache = this.batch?.models;
    if (cache?.has(key)) return cache.get(key);
    const model = this.parse(abs, kind);
    cache?.set(key, model);
    return model;
  }

  private parse(abs: string, kind: FileKind): Model | undefined {
    const text = this.read(abs);
    if (text === undefined) return undefined;
    const prepared = prepareText(text, this.opts.config);
    try { return prepared.text === undefined ? undefined : parseModel(abs, prepared.text, kind); } catch { return undefined; }
  }

  private catalogue(folder: string): KubernetesModel {
    const cached = this.batch?.catalogues.get(folder);
    if (cached) return cached;
    const inside = [...this.known].filter((f) => f.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep)).sort();
    const objects: KubeObject[] = [];
    for (const f of inside) if (this.kindOf(f) === 'kubernetes') objects.push(...this.catalogueObjectsOf(f));
    const merged = catalogueModel(folder, objects);
    this.batch?.catalogues.set(folder, merged);
    return merged;
  }

  /** One manifest's catalogue objects: parsed once (its model is not kept), rebuilt from the compact entries. */
  private catalogueObjectsOf(f: string): KubeObject[] {
    const shared = this.batch?.objects.get(f);
    if (shared) return shared;
    let entries = this.catalogueEntries.get(f);
    if (!entries) {
      const cached = this.batch?.models.get(`kubernetes\u0000${f}`);
      const model = (cached ?? this.parse(f, 'kubernetes')) as KubernetesModel | undefined;
      // (The round trip detaches names and labels from the file's text, as in slim().)
      entries = model ? JSON.parse(JSON.stringify(catalogueEntriesOf(model))) as CatalogueEntry[] : [];
      this.catalogueEntries.set(f, entries);
    }
    const objects = catalogueObjects(entries);
    this.batch?.objects.set(f, objects);
    return objects;
  }

  // For parallel scans (parallel-index.ts). In a worker: the kind and catalogue entries of a file of its
  // share, then the whole scan's, then analyses. On the main thread: what the workers found.
  kindAndEntries(f: string): [FileKind | null, string | null] {
    const kind = this.kindOf(f) ?? null;
    if (kind !== 'kubernetes') return [kind, null];
    this.catalogueObjectsOf(f);
    return [kind, JSON.stringify(this.catalogueEntries.get(f))];
  }

  adoptScan(files: string[], found: [string, FileKind | null, string | null][], lasting = false): void {
    this.known.clear();
    for (const f of files) this.known.add(f);
    for (const [f, kind, entries] of found) {
      this.kinds.set(f, kind ?? undefined);
      if (entries !== null) this.catalogueEntries.set(f, JSON.parse(entries) as CatalogueEntry[]);
    }
    // A worker's models and catalogues serve all its batches.
    if (lasting && this.batchDepth++ === 0) this.batch = newBatch();
  }

  async analyseShared(f: string): Promise<SharedAnalysis> {
    await this.analyse(f);
    const e = this.entries.get(f)!;
    this.entries.delete(f);
    return { result: e.result, deps: [...e.deps], dirDeps: [...e.dirDeps] };
  }

  adoptAnalysis(f: string, a: SharedAnalysis): void {
    this.analyses++;
    this.linkCache = undefined;
    if (a.result.kind) this.kinds.set(f, a.result.kind);
    this.entries.set(f, { result: a.result, deps: new Set(a.deps), dirDeps: new Set(a.dirDeps) });
  }

  /** Runs `fn` with a model cache shared by its analyses; nested calls share the outer one. */
  private async inBatch<T>(fn: () => Promise<T>): Promise<T> {
    if (this.batchDepth++ === 0) this.batch = newBatch();
    try { return await fn(); } finally { if (--this.batchDepth === 0) this.batch = undefined; }
  }

  private kindOf(abs: string): FileKind | undefined {
    if (!this.kinds.has(abs)) {
      const text = this.read(abs);
      this.kinds.set(abs, text === undefined ? undefined : this.opts.kindHint?.(abs) ?? detectKind(abs, text));
    }
    return this.kinds.get(abs);
  }

  private async analyse(abs: string): Promise<void> {
    const deps = new Set<string>();
    const dirDeps = new Set<string>();
    this.analyses++;
    const read = this.readForAnalysis(abs);
    const result: AnalysisResult = 'text' in read
      ? await analyzeText(abs, read.text, this.opts.configFor?.(abs) ?? this.opts.config, this.hostFor(deps, dirDeps), this.opts.kindHint?.(abs))
      : { path: abs, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: [{ ...readProblem(read.unreadable), range: EMPTY_RANGE }] };
    this.store(abs, result, deps, dirDeps);
  }

  private store(abs: string, result: AnalysisResult, deps: Set<string>, dirDeps: Set<string>): void {
    this.linkCache = undefined;
    if (result.kind) this.kinds.set(abs, result.kind);
    this.entries.set(abs, { result: slim(result), deps, dirDeps });
  }

  /** The candidate files under `paths`; what the walk skipped (unreadable folders, links, FIFOs) is noted for the report. */
  private discover(paths = this.roots): string[] {
    const { files, missing, skipped } = collectFiles(paths, (p) => this.ignored(p));
    const out = files.map((f) => path.resolve(f));
    // An unsaved editor document may have no file yet.
    for (const m of missing) if (this.opts.overlay?.(path.resolve(m)) !== undefined) out.push(path.resolve(m));
    this.forgetSkipped(paths.map((p) => path.resolve(p)));
    for (const s of skipped) this.skipped.set(path.resolve(s.path), s);
    return [...new Set(out)].sort();
  }

  private forgetSkipped(under: string[]): void {
    for (const k of [...this.skipped.keys()]) if (under.some((u) => k === u || k.startsWith(u.endsWith(path.sep) ? u : u + path.sep))) this.skipped.delete(k);
  }

  private inRoots(p: string): boolean {
    return this.roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  }
  private ignored(p: string): boolean { return !!this.opts.isIgnored?.(p); }
  private readForAnalysis(abs: string): { text: string } | { unreadable: UnreadableFile } {
    const open = this.opts.overlay?.(abs);
    if (open !== undefined) return { text: open };
    try { return { text: readDecodedText(abs, this.opts.config.maxFileBytes) }; } catch (e) { if (e instanceof UnreadableFile) return { unreadable: e }; throw e; }
  }
  private read(abs: string): string | undefined {
    const open = this.opts.overlay?.(abs);
    if (open !== undefined) return open;
    return readDecodedOrUndefined(abs, this.opts.config.maxFileBytes);
  }
  private exists(p: string): boolean { return this.opts.overlay?.(p) !== undefined || fs.existsSync(p); }
  private isFile(p: string): boolean { try { return fs.statSync(p).isFile(); } catch { return this.opts.overlay?.(p) !== undefined; } }
}
