/**
 * Applying fixes outside the editor (`seaworthy fix`, the fix property test) and the fix-all selection
 * the editor's code action shares. Files are changed in an in-memory overlay first; the caller decides
 * whether to write them (or only print a diff). Secret values moved to `.env` files are guarded: never
 * into a file git tracks, and the file is always covered by a `.gitignore`.
 */
import { isCatalogueQuery } from '../workspace/catalogue';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, Finding, parseModel, prepareText } from './analyze';
import { dockerfileSyntaxProblems } from '../parse/dockerfile-syntax';
import type { EngineConfig } from './config';
import { isEnvFile } from './dotenv';
import { lineBreakOf, splitLines } from '../model/line-breaks';
import { appendConflict, applyEdits, editOffsets, FileChange, mergeChanges, planFix } from './fix';
import { rejection, sharedAnchorRefusal } from './fix-verify';
import { isInside, unwritableReason, writeAll } from './fix-write';
import { gitignoreCovers, GitView, gitView } from './git-view';
import { readTextOrUndefined, SIDE_FILE_MAX_BYTES } from '../workspace/safe-read';
import type { Fix, Model } from './rule';
import type { FileKind } from '../model/common';
import { detectKind } from '../parse/detect';
import { SourceText } from '../model/range';
import type { Range } from '../model/range';

export type Reader = (abs: string) => string | undefined;

export function fixesOf(f: Finding): Fix[] {
  try { return f.fix?.() ?? []; } catch { return []; }
}

/**
 * The fix a fix-all applies for a finding: its first safe fix, or with `unsafe` its first fix of any kind;
 * never one that waits for the user to type a value (a snippet).
 */
export function chooseFix(f: Finding, unsafe: boolean): Fix | undefined {
  const all = fixesOf(f).filter((x) => !x.snippet);
  return all.find((x) => x.safety === 'safe') ?? (unsafe ? all[0] : undefined);
}

export interface ChosenFix { finding: Finding; fix: Fix; changes: FileChange[] }

/**
 * Why a fix cannot be applied to the file as it stands: an append would clash with a value already
 * there, or an edit would change a YAML anchor that aliases share. undefined when it can.
 */
export function fixRefusal(fix: Fix, docPath: string, read: Reader): string | undefined {
  const conflict = appendConflict(fix, docPath, read);
  if (conflict) return conflict;
  const text = read(docPath) ?? '';
  const own = fix.edits.filter((e) => !e.file);
  return own.length ? sharedAnchorRefusal(text, editOffsets(text, own)) : undefined;
}

/**
 * One pass of fix-all: every chosen fix whose edits overlap no earlier one (the rest wait for the next
 * pass). Side files (.env, .gitignore) are appended to one fix after another when the pass is applied.
 */
export function planPass(result: AnalysisResult, docPath: string, read: Reader, unsafe = false): { chosen: ChosenFix[]; changes: FileChange[]; conflicts: { finding: Finding; fix: Fix; reason: string }[] } {
  const conflicts: { finding: Finding; fix: Fix; reason: string }[] = [];
  const taken: FileChange['edits'] = [];
  const chosen: ChosenFix[] = [];
  const overlaps = (a: FileChange['edits'][number]) => taken.some((b) =>
    (cmp(a.range.start, b.range.end) < 0 && cmp(b.range.start, a.range.end) < 0) || cmp(a.range.start, b.range.start) === 0);
  for (const finding of result.findings) {
    const fix = chooseFix(finding, unsafe);
    if (!fix) continue;
    const refusal = fixRefusal(fix, docPath, read);
    if (refusal) { conflicts.push({ finding, fix, reason: refusal }); continue; }
    const changes = planFix(fix, docPath, read).filter((c) => c.edits.length);
    if (!changes.length) continue;
    const own = changes.find((c) => c.file === docPath);
    if (own && own.edits.some(overlaps)) continue;
    if (own) taken.push(...own.edits);
    chosen.push({ finding, fix, changes });
  }
  return { chosen, changes: mergeChanges(chosen.flatMap((c) => c.changes)), conflicts };
}

function cmp(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

export { isEnvFile };

/**
 * Files quick fixes move secret values into: `.env` files and the Kubernetes Secret manifests of
 * `hardcoded-secret` (`<name>-secrets.secret.yaml`). They are never written while git tracks them and
 * always get a `.gitignore` line.
 */
export function receivesSecrets(file: string): boolean {
  return isEnvFile(file) || /\.secret\.ya?ml$/i.test(path.basename(file));
}

export { gitignoreCovers, gitView };
export type { GitView };

export interface AppliedFix { file: string; ruleId: string; severity: Finding['severity']; title: string; safety: Fix['safety']; files: string[] }
export interface RefusedFix { file: string; ruleId: string; title: string; reason: string }

/**
 * Files as a fix run sees them: the disk, overlaid with changes not yet written. Analyses read the
 * overlay (other files' models, existence), so a later pass sees what an earlier pass created.
 */
export class FixSession {
  private readonly overlay = new Map<string, string>();
  private readonly original = new Map<string, string | undefined>();
  /**
   * `base` reads files before any fix (the editor's open documents first); the disk by default.
   * `root`: the folder fixes may write in (the project); without it, the folder of the file being fixed.
   */
  constructor(readonly git: GitView = gitView(), private readonly base?: Reader, public root?: string) {}

  readonly read: Reader = (abs) => {
    if (this.overlay.has(abs)) return this.overlay.get(abs);
    if (this.base) return this.base(abs);
    return readTextOrUndefined(abs, SIDE_FILE_MAX_BYTES);
  };

  /** For batch runs: the manifest catalogue of the files being fixed (reference resolution, as in `check`). */
  catalogue?: (folder: string) => Model;

  host(config: EngineConfig): AnalyzeHost {
    return {
      fileExists: (p) => this.overlay.has(p) || fs.existsSync(p),
      // The pass's own pending writes count (a .dockerignore a fix just extended), as for modelOf.
      textOf: (p) => this.read(p),
      modelOf: (abs: string, kind: FileKind): Model | undefined => {
        if (this.catalogue && isCatalogueQuery(abs, kind)) return this.catalogue(abs);
        const text = this.read(abs);
        const prepared = text === undefined ? undefined : prepareText(text, config);
        try { return prepared?.text === undefined ? undefined : parseModel(abs, prepared.text, kind); } catch { return undefined; }
      },
    };
  }

  /** The passes judge findings only: Dockerfile syntax problems are added once, to what remains (withSyntax). */
  analyze(abs: string, config: EngineConfig): Promise<AnalysisResult> {
    return analyzeText(abs, this.read(abs) ?? '', { ...config, dockerfileSyntax: false }, this.host(config));
  }

  private withSyntax(abs: string, config: EngineConfig, result: AnalysisResult): AnalysisResult {
    if (result.kind !== 'dockerfile' || config.dockerfileSyntax === false) return result;
    const text = prepareText(this.read(abs) ?? '', config).text;
    return text === undefined ? result : { ...result, problems: [...result.problems, ...dockerfileSyntaxProblems(text)] };
  }

  /** Files whose content differs from the disk: what `fix` writes or diffs. */
  changed(): { file: string; before: string | undefined; after: string }[] {
    return [...this.overlay].filter(([f, t]) => this.original.get(f) !== t).map(([file, after]) => ({ file, before: this.original.get(file), after }));
  }

  /**
   * Writes every changed file, or none (see fix-write.ts): targets checked first, files compared with
   * what was read, secrets' destinations before the references, each file replaced atomically.
   * Rejects with FixWriteError when nothing could be written.
   */
  async write(root = this.root): Promise<void> {
    const changes = this.changed();
    if (!changes.length) return;
    const top = root ?? commonFolder(changes.map((c) => path.dirname(c.file)));
    await writeAll(changes.map((c) => ({ ...c, secret: receivesSecrets(c.file) })), top);
  }

  private set(file: string, text: string): void {
    if (!this.original.has(file)) this.original.set(file, this.read(file));
    this.overlay.set(file, text);
  }

  /**
   * Adds the `.gitignore` line a target that receives secrets (`.env`, `*.secret.yaml`) needs, or a
   * reason to refuse the whole fix: a target that is not a writable regular file (or creatable) inside
   * the project, or a secrets file git tracks. The .gitignore beside the target is used, whatever the fix
   * itself appends. `docPath`: the file being fixed (its folder bounds the writes when no root is set).
   */
  guard(changes: FileChange[], docPath?: string): { changes: FileChange[]; refused?: string } {
    const out = [...changes];
    for (const c of changes) {
      if (!receivesSecrets(c.file)) continue;
      const reason = this.git.refuseReason(c.file);
      if (reason) return { changes, refused: `not writing to ${path.basename(c.file)}: ${reason}` };
      const name = path.basename(c.file);
      const ignoreFile = path.join(path.dirname(c.file), '.gitignore');
      const pending = out.find((x) => x.file === ignoreFile);
      const current = pending ? applyEdits(this.read(ignoreFile) ?? '', pending.edits) : this.read(ignoreFile) ?? '';
      if (splitLines(current).some((l) => gitignoreCovers(l, name)) || (!pending && this.overlay.get(ignoreFile) === undefined && this.git.ignored(c.file))) continue;
      const end = new SourceText(current).positionAt(current.length);
      const eol = lineBreakOf(current);
      const edit = { range: { start: end, end } as Range, newText: (current && !/[\r\n]$/.test(current) ? eol : '') + name + eol };
      if (pending) pending.edits.push(edit); else out.push({ file: ignoreFile, edits: [edit], create: current === '' && this.read(ignoreFile) === undefined });
    }
    const root = this.root ?? (docPath ? path.dirname(docPath) : undefined);
    for (const c of out) {
      const why = unwritableReason(c.file, root ?? path.dirname(c.file));
      if (why) return { changes, refused: `not writing to ${path.basename(c.file)}: ${why}` };
    }
    return { changes: out };
  }

  /** Applies one fix's planned changes to the overlay (after the guard); returns the refusal reason if any. */
  apply(changes: FileChange[], docPath?: string): string | undefined {
    const g = this.guard(changes, docPath);
    if (g.refused) return g.refused;
    for (const c of g.changes) this.set(c.file, applyEdits(this.read(c.file) ?? '', c.edits));
    return undefined;
  }

  /**
   * Applies the fixes of one pass: their own-file edits were computed against the same text, so they
   * are merged and applied at once; their side files (.env, .gitignore) are planned and guarded one fix
   * after another against what the previous fixes wrote, so a pass can move any number of secrets.
   */
  private applyGroup(abs: string, group: ChosenFix[], refuse: (c: ChosenFix, why: string) => void): { ok: ChosenFix[]; own: FileChange['edits'] } {
    const ok: ChosenFix[] = [];
    const own: FileChange['edits'] = [];
    for (const c of group) {
      const conflict = appendConflict(c.fix, abs, this.read);
      if (conflict) { refuse(c, conflict); continue; }
      const g = this.guard(planFix(c.fix, abs, this.read).filter((x) => x.edits.length), abs);
      if (g.refused) { refuse(c, g.refused); continue; }
      for (const x of g.changes) {
        if (x.file === abs) own.push(...x.edits); else this.set(x.file, applyEdits(this.read(x.file) ?? '', x.edits));
      }
      ok.push({ ...c, changes: g.changes });
    }
    if (own.length) this.set(abs, applyEdits(this.read(abs) ?? '', own));
    return { ok, own };
  }

  /**
   * One checked pass of fix-all: the pass's fixes are applied together and the file analysed again; if
   * a fixed problem is still reported, the file no longer parses or a more serious problem appeared, the
   * pass is rolled back and only its first fix is tried alone (rolled back and refused in turn if it
   * fails the same test). `analyze` reads the session's files. `planFrom`: the findings whose fixes may
   * be chosen (fixFile leaves out refused ones); the edits are still judged against all of `result`, so a
   * problem whose fix was refused never looks new after another fix.
   */
  async checkedPass(abs: string, result: AnalysisResult, config: EngineConfig, opts: { unsafe: boolean; refuse: (c: ChosenFix, why: string) => void; skip?: (c: ChosenFix) => boolean; planFrom?: AnalysisResult }): Promise<{ applied: ChosenFix[]; own: FileChange['edits']; result: AnalysisResult; chosen: number }> {
    const plan = planPass(opts.planFrom ?? result, abs, this.read, opts.unsafe);
    for (const c of plan.conflicts) opts.refuse({ finding: c.finding, fix: c.fix, changes: [] }, c.reason);
    const chosen = plan.chosen.filter((c) => !opts.skip?.(c));
    if (!chosen.length) return { applied: [], own: [], result, chosen: plan.chosen.length };
    const snapshot = new Map(this.overlay);
    const syntaxBefore = this.problems(abs, config);
    const attempt = async (group: ChosenFix[]) => {
      const g = this.applyGroup(abs, group, opts.refuse);
      if (!g.ok.length) return { ...g, after: result, why: undefined };
      const after = await this.analyze(abs, config);
      return { ...g, after, why: rejection(result, after, g.ok.map((c) => c.finding), syntaxBefore, this.problems(abs, config)) };
    };
    let tried = await attempt(chosen);
    if (tried.why && tried.ok.length > 1) {
      this.restore(snapshot);
      tried = await attempt([tried.ok[0]]);
    }
    if (tried.why) {
      this.restore(snapshot);
      opts.refuse(tried.ok[0], tried.why);
      return { applied: [], own: [], result, chosen: chosen.length };
    }
    return { applied: tried.ok, own: tried.own, result: tried.after, chosen: chosen.length };
  }

  /**
   * fix-all on one file until nothing applies (bounded): checked passes (see checkedPass). Refusals are
   * judged against the text as it stands, so when a round of passes changed the file the refused fixes
   * are tried again: the run stops where running it again would change nothing. A fix is applied at
   * most once per problem: one that comes back is refused.
   */
  async fixFile(abs: string, config: EngineConfig, opts: { unsafe: boolean; maxPasses?: number; first?: AnalysisResult }): Promise<{ applied: AppliedFix[]; refused: RefusedFix[]; result: AnalysisResult; converged: boolean }> {
    const applied: AppliedFix[] = [];
    const refused = new Map<string, RefusedFix>();
    const banned = new Set<string>();
    const times = new Map<string, number>();
    const problems = new Map<string, number>();
    const refuse = (c: ChosenFix, reason: string) => {
      if (banned.has(key(c))) return;
      banned.add(key(c));
      if (!refused.has(key(c))) refused.set(key(c), { file: abs, ruleId: c.finding.ruleId, title: c.fix.title, reason });
    };
    // Findings with the same rule and message (two services of one name) are as many problems: each may
    // be fixed once; a fix applied as often as there ever were such problems and needed again came back.
    const skip = (c: ChosenFix) => {
      if ((times.get(onceKey(c)) ?? 0) < (problems.get(problemKey(c.finding)) ?? 0)) return false;
      refuse(c, 'it was applied once already and the problem came back; nothing changed');
      return true;
    };
    // `first`: the caller's analysis of the text as it stands (the editor's), instead of a new one.
    let result = opts.first ?? await this.analyze(abs, config);
    // Bounded by the passes that change the file; a pass that changes nothing refuses a fix, and there
    // are only so many. A round ends when nothing more applies; a round that changed the file is followed
    // by another with the refusals lifted.
    let changedInRound = false;
    for (let changes = 0, pass = 0; changes < (opts.maxPasses ?? 100) && pass < 100 * (opts.maxPasses ?? 100); pass++) {
      if (!result.model) break;
      countProblems(result, problems);
      const before = new Map(this.overlay);
      const p = await this.checkedPass(abs, result, config, { unsafe: opts.unsafe, refuse, skip, planFrom: withoutBanned(result, banned, opts.unsafe) });
      if (!p.chosen) {
        if (!changedInRound) return { applied, refused: [...refused.values()], result: this.withSyntax(abs, config, result), converged: true };
        changedInRound = false;
        banned.clear();
        continue;
      }
      if (!p.applied.length) continue;
      result = p.result;
      // A fix that rewrites text to itself would otherwise be "applied" on every pass.
      if (!this.changedSince(before)) { for (const c of p.applied) banned.add(key(c)); continue; }
      changes++;
      changedInRound = true;
      for (const c of p.applied) {
        times.set(onceKey(c), (times.get(onceKey(c)) ?? 0) + 1);
        refused.delete(key(c));
        applied.push({ file: abs, ruleId: c.finding.ruleId, severity: c.finding.severity, title: c.fix.title, safety: c.fix.safety, files: c.changes.map((x) => x.file) });
      }
    }
    const left = result.model ? planPass(withoutBanned(result, banned, opts.unsafe), abs, this.read, opts.unsafe).chosen.length : 0;
    return { applied, refused: [...refused.values()], result: this.withSyntax(abs, config, result), converged: left === 0 };
  }

  private changedSince(snapshot: Map<string, string>): boolean {
    return [...this.overlay].some(([f, t]) => snapshot.get(f) !== t);
  }

  /** Syntax problems of a file as it stands in the overlay (no rules run). */
  private problems(abs: string, config: EngineConfig): number {
    const prepared = prepareText(this.read(abs) ?? '', config);
    const kind = prepared.text === undefined ? undefined : detectKind(abs, prepared.text);
    if (!kind) return 0;
    try { const m = parseModel(abs, prepared.text!, kind); return 'problems' in m ? m.problems.length : 0; } catch { return Number.MAX_SAFE_INTEGER; }
  }

  private restore(snapshot: Map<string, string>): void {
    this.overlay.clear();
    for (const [k, v] of snapshot) this.overlay.set(k, v);
  }
}

function key(c: ChosenFix): string { return `${c.finding.ruleId}\u0000${c.fix.title}`; }
/** The same fix for the same problem: applied once per such problem per run. */
function onceKey(c: ChosenFix): string { return `${key(c)}\u0000${c.finding.message}`; }
function problemKey(f: Finding): string { return `${f.ruleId}\u0000${f.message}`; }

/** Keeps, per rule and message, the most findings any analysis of the run reported at once. */
function countProblems(result: AnalysisResult, most: Map<string, number>): void {
  const now = new Map<string, number>();
  for (const f of result.findings) now.set(problemKey(f), (now.get(problemKey(f)) ?? 0) + 1);
  for (const [k, n] of now) if (n > (most.get(k) ?? 0)) most.set(k, n);
}

/** The deepest folder holding all the folders. */
export function commonFolder(folders: string[]): string {
  let dir = folders[0];
  while (!folders.every((f) => isInside(f, dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Hides findings whose chosen fix was refused, so the next pass does not pick it again. */
function withoutBanned(result: AnalysisResult, banned: Set<string>, unsafe: boolean): AnalysisResult {
  if (!banned.size) return result;
  return { ...result, findings: result.findings.filter((f) => { const fix = chooseFix(f, unsafe); return !fix || !banned.has(`${f.ruleId}\u0000${fix.title}`); }) };
}
