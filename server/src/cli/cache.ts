import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { EngineConfig } from '../engine/config';
import type { FileRecord } from './scan';
import { VERSION } from './version';
import { kindFromName } from '../parse/detect';

/**
 * `seaworthy check --cache`: the records of files whose inputs have not changed since the last run are
 * reused (like ESLint's `.eslintcache` with the content strategy). A file's record is valid while:
 * - its own content,
 * - its configuration (`.seaworthy.yaml` over the flags, as resolved for that file),
 * - every cross-file input its analysis read (a Compose file's Dockerfile, env files, values files,
 *   the manifest catalogue of a folder: whatever the rules asked the host for; see recordingReads),
 *   where a folder stands for the run's YAML files under it that may be manifests,
 * - and the Seaworthy build (version and the bundle's own text)
 * are as they were. `inputState` is the one place that says what "as it was" means for an input.
 */
export const DEFAULT_CACHE_FILE = '.seaworthycache';
const FORMAT = 1;

interface Entry { content: string; config: string; inputs: Record<string, string>; record: FileRecord }
interface CacheHeader { format: number; tool: string; sum: string }

const digest = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

/** Seaworthy's version and the code that runs (a rebuilt bundle with the same version still invalidates). */
function toolKey(): string {
  let code = '';
  try { code = digest(fs.readFileSync(__filename)); } catch { /* no file: the version alone */ }
  return `${VERSION}\u0000${code}`;
}

export class ScanCache {
  hits = 0;
  misses = 0;
  private entries: Record<string, Entry>;
  private readonly states = new Map<string, string>();
  private readonly configKeys = new Map<EngineConfig, string>();
  private readonly tool = toolKey();

  /**
   * Reads the cache at `file`. One that cannot be read or parsed, or that another Seaworthy wrote, is
   * ignored (a corrupt cache gets a note on `note`, never an exception) and replaced on save.
   * `runFiles` are the files of the run: a catalogue folder's state is that of the manifests under it.
   */
  constructor(readonly file: string, private readonly runFiles: string[], note: (msg: string) => void) {
    this.entries = {};
    let text: string | undefined;
    try { text = fs.readFileSync(file, 'utf8'); } catch { text = undefined; }
    if (text === undefined) return;
    try {
      // A header line (format, build, checksum of the rest), then the entries: a truncated, edited or
      // damaged file fails the checksum instead of feeding half-records to the output.
      const cut = text.indexOf('\n');
      let header: CacheHeader;
      // (Not the parser's message: it quotes the file's text.)
      try { header = JSON.parse(cut < 0 ? text : text.slice(0, cut)) as CacheHeader; } catch { throw new Error('it is not a Seaworthy cache'); }
      if (!header || typeof header !== 'object' || header.format !== FORMAT || cut < 0) throw new Error('it is not a Seaworthy cache of this format');
      if (header.tool !== this.tool) return;
      const body = text.slice(cut + 1);
      if (digest(body) !== header.sum) throw new Error('its checksum does not match: it was cut short or changed');
      this.entries = JSON.parse(body) as Record<string, Entry>;
    } catch (e) {
      note(`the cache ${file} could not be read (${(e as Error).message}); analysing every file, the cache will be rewritten`);
    }
  }

  /** The record kept for `file` when nothing it depends on has changed. */
  lookup(file: string, config: EngineConfig): FileRecord | undefined {
    const abs = path.resolve(file);
    const e = this.entries[abs];
    const valid = e && e.content === this.inputState(abs) && e.config === this.configKey(config)
      && Object.entries(e.inputs ?? {}).every(([p, state]) => this.inputState(p) === state);
    if (valid) { this.hits++; return e.record; }
    this.misses++;
    return undefined;
  }

  store(file: string, config: EngineConfig, record: FileRecord): void {
    const abs = path.resolve(file);
    const inputs: Record<string, string> = {};
    for (const p of record.reads) if (p !== abs) inputs[p] = this.inputState(p);
    this.entries[abs] = { content: this.inputState(abs), config: this.configKey(config), inputs, record };
  }

  /** Writes the cache atomically (a temporary file renamed over it): a run killed half-way leaves the old one. */
  save(): void {
    for (const p of Object.keys(this.entries)) if (!fs.existsSync(p)) delete this.entries[p];
    const body = JSON.stringify(this.entries);
    const header: CacheHeader = { format: FORMAT, tool: this.tool, sum: digest(body) };
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, `${JSON.stringify(header)}\n${body}`);
      fs.renameSync(temp, this.file);
    } finally { fs.rmSync(temp, { force: true }); }
  }

  private sortedRun?: string[];
  /** The run's files under a folder (binary search in the sorted list: a folder query must not cost a pass over 100,000 files). */
  private runFilesUnder(prefix: string): string[] {
    const all = (this.sortedRun ??= [...new Set(this.runFiles.map((f) => path.resolve(f)))].sort());
    let lo = 0, hi = all.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (all[mid] < prefix) lo = mid + 1; else hi = mid; }
    const out: string[] = [];
    for (let i = lo; i < all.length && all[i].startsWith(prefix); i++) out.push(all[i]);
    return out;
  }

  private configKey(config: EngineConfig): string {
    let k = this.configKeys.get(config);
    if (k === undefined) { k = digest(JSON.stringify(config)); this.configKeys.set(config, k); }
    return k;
  }

  /**
   * What an input looks like now: a file's content hash, `absent`, or for a folder (a catalogue query)
   * the paths and contents of the run's files under it. Cross-file inputs of new kinds need nothing
   * here as long as they are files or folders read through the analysis host.
   */
  inputState(p: string): string {
    let s = this.states.get(p);
    if (s !== undefined) return s;
    let st: fs.Stats | undefined;
    try { st = fs.statSync(p); } catch { st = undefined; }
    if (!st) s = 'absent';
    else if (st.isDirectory()) {
      const prefix = p.endsWith(path.sep) ? p : p + path.sep;
      // A folder is asked about for the manifest catalogue (or whether it exists): Dockerfiles and
      // Compose files, which are never manifests, do not change what it answers.
      const under = this.runFilesUnder(prefix).filter((f) => kindFromName(f) === undefined);
      s = `dir:${digest(under.map((f) => `${f}\u0000${this.inputState(f)}`).join('\u0000'))}`;
    } else {
      try { s = digest(fs.readFileSync(p)); } catch { s = 'unreadable'; }
    }
    this.states.set(p, s);
    return s;
  }
}
