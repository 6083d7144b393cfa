/**
 * Applying fixes outside the editor (`seaworthy fix`, the fix property test) and the fix-all selection
 * the editor's code action shares. Files are changed in an in-memory overlay first; the caller decides
 * whether to write them (or only print a diff). Secret values moved to `.env` files are guarded: never
 * into a file git tracks, and the file is always covered by a `.gitignore`.
 */
import { isCatalogueQuery } from '../workspace/catalogue';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, Finding, parseModel, prepareText } from './analyze';
import type { EngineConfig } from './config';
import { appendConflict, applyEdits, FileChange, mergeChanges, planFix } from './fix';
import { globToRegExp } from './project-config';
import type { Fix, Model } from './rule';
import type { FileKind } from '../model/common';
import { detectKind } from '../parse/detect';
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
 * One pass of fix-all: every chosen fix whose edits overlap no earlier one. A fix that also touches
 * another file (.env, .gitignore) already touched in this pass waits whole for the next pass, so its
 * own-file edit is never applied without its side files.
 */
export function planPass(result: AnalysisResult, docPath: string, read: Reader, unsafe = false): { chosen: ChosenFix[]; changes: FileChange[]; conflicts: { finding: Finding; fix: Fix; reason: string }[] } {
  const sideFiles = new Set<string>();
  const conflicts: { finding: Finding; fix: Fix; reason: string }[] = [];
  const taken: FileChange['edits'] = [];
  const chosen: ChosenFix[] = [];
  const overlaps = (a: FileChange['edits'][number]) => taken.some((b) =>
    (cmp(a.range.start, b.range.end) < 0 && cmp(b.range.start, a.range.end) < 0) || cmp(a.range.start, b.range.start) === 0);
  for (const finding of result.findings) {
    const fix = chooseFix(finding, unsafe);
    if (!fix) continue;
    const conflict = appendConflict(fix, docPath, read);
    if (conflict) { conflicts.push({ finding, fix, reason: conflict }); continue; }
    const changes = planFix(fix, docPath, read).filter((c) => c.edits.length);
    if (!changes.length) continue;
    const own = changes.find((c) => c.file === docPath);
    if (own && own.edits.some(overlaps)) continue;
    const others = changes.filter((c) => c.file !== docPath).map((c) => c.file);
    if (others.some((f) => sideFiles.has(f))) continue;
    if (own) taken.push(...own.edits);
    for (const f of others) sideFiles.add(f);
    chosen.push({ finding, fix, changes });
  }
  return { chosen, changes: mergeChanges(chosen.flatMap((c) => c.changes)), conflicts };
}

function cmp(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

/** Files that receive configuration values (and so secrets): `.env`, `.env.production`, not `.env.example`. */
export function isEnvFile(file: string): boolean {
  const name = path.basename(file);
  return /^\.env(?:\..+)?$/.test(name) && !/\.(?:example|sample|template|dist|defaults?)$/i.test(name);
}

/**
 * Files quick fixes move secret values into: `.env` files and the Kubernetes Secret manifests of
 * `hardcoded-secret` (`<name>-secrets.secret.yaml`). They are never written while git tracks them and
 * always get a `.gitignore` line.
 */
export function receivesSecrets(file: string): boolean {
  return isEnvFile(file) || /\.secret\.ya?ml$/i.test(path.basename(file));
}

/** What git knows about a path; injectable so tests need no repository. */
export interface GitView {
  /** undefined: not tracked (or no repository); a string: why the file must not receive a secret. */
  refuseReason(abs: string): string | undefined;
  /** Whether the path is already git-ignored on disk (the overlay's .gitignore is checked separately). */
  ignored(abs: string): boolean;
}

export function gitView(): GitView {
  const repoOf = new Map<string, string | null | Error>();
  const repo = (dir: string): string | null | Error => {
    if (!repoOf.has(dir)) {
      let v: string | null | Error;
      try { v = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: existingDir(dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(); } catch (e) {
        const err = e as NodeJS.ErrnoException & { stderr?: string };
        v = err.code === 'ENOENT' ? new Error('git is not installed, so Seaworthy cannot verify that it is untracked') : /not a git repository/i.test(String(err.stderr)) ? null : new Error(`git failed (${String(err.stderr ?? err.message).trim().split('\n')[0]})`);
      }
      repoOf.set(dir, v);
    }
    return repoOf.get(dir)!;
  };
  const git = (args: string[], cwd: string) => {
    try { execFileSync('git', args, { cwd, stdio: 'ignore' }); return true; } catch { return false; }
  };
  // Answers are kept for the view's life (one `seaworthy fix` run, a few seconds in the editor): only git
  // commands change them, and a file a fix creates is untracked whatever was asked before.
  const tracked = new Map<string, boolean>();
  const ignoredPaths = new Map<string, boolean>();
  return {
    refuseReason(abs) {
      const r = repo(path.dirname(abs));
      if (r instanceof Error) return r.message;
      if (r === null || !fs.existsSync(abs)) return undefined;
      if (!tracked.has(abs)) tracked.set(abs, git(['ls-files', '--error-unmatch', '--', abs], r));
      return tracked.get(abs) ? 'git tracks it, so the secret would be committed; untrack it first (`git rm --cached`)' : undefined;
    },
    ignored(abs) {
      const r = repo(path.dirname(abs));
      if (typeof r !== 'string') return false;
      if (!ignoredPaths.has(abs)) ignoredPaths.set(abs, git(['check-ignore', '-q', '--no-index', '--', abs], r));
      return ignoredPaths.get(abs)!;
    },
  };
}

function existingDir(dir: string): string {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** Does a .gitignore line ignore a file of this name in its folder? (Negations and nested paths are left to git.) */
export function gitignoreCovers(line: string, name: string): boolean {
  const l = line.trim();
  if (!l || l.startsWith('#') || l.startsWith('!') || l.endsWith('/')) return false;
  const pattern = l.startsWith('/') ? l.slice(1) : l;
  if (pattern.includes('/')) return false;
  return globToRegExp(pattern).test(name);
}

export interface AppliedFix { file: string; ruleId: string; severity: Finding['severity']; title: string; safety: Fix['safety']; files: string[]; sensitive: string[] }
export interface RefusedFix { file: string; ruleId: string; title: string; reason: string }

/**
 * Files as a fix run sees them: the disk, overlaid with changes not yet written. Analyses read the
 * overlay (other files' models, existence), so a later pass sees what an earlier pass created.
 */
export class FixSession {
  private readonly overlay = new Map<string, string>();
  private readonly original = new Map<string, string | undefined>();
  /** `base` reads files before any fix (the editor's open documents first); the disk by default. */
  constructor(readonly git: GitView = gitView(), private readonly base?: Reader) {}

  readonly read: Reader = (abs) => {
    if (this.overlay.has(abs)) return this.overlay.get(abs);
    if (this.base) return this.base(abs);
    try { return fs.readFileSync(abs, 'utf8'); } catch { return undefined; }
  };

  /** For batch runs: the manifest catalogue of the files being fixed (reference resolution, as in `check`). */
  catalogue?: (folder: string) => Model;

  host(config: EngineConfig): AnalyzeHost {
    return {
      fileExists: (p) => this.overlay.has(p) || fs.existsSync(p),
      modelOf: (abs: string, kind: FileKind): Model | undefined => {
        if (this.catalogue && isCatalogueQuery(abs, kind)) return this.catalogue(abs);
        const text = this.read(abs);
        const prepared = text === undefined ? undefined : prepareText(text, config);
        try { return prepared?.text === undefined ? undefined : parseModel(abs, prepared.text, kind); } catch { return undefined; }
      },
    };
  }

  analyze(abs: string, config: EngineConfig): Promise<AnalysisResult> {
    return analyzeText(abs, this.read(abs) ?? '', config, this.host(config));
  }

  /** Files whose content differs from the disk: what `fix` writes or diffs. */
  changed(): { file: string; before: string | undefined; after: string }[] {
    return [...this.overlay].filter(([f, t]) => this.original.get(f) !== t).map(([file, after]) => ({ file, before: this.original.get(file), after }));
  }

  write(): void {
    for (const c of this.changed()) { fs.mkdirSync(path.dirname(c.file), { recursive: true }); fs.writeFileSync(c.file, c.after); }
  }

  private set(file: string, text: string): void {
    if (!this.original.has(file)) this.original.set(file, this.read(file));
    this.overlay.set(file, text);
  }

  /**
   * Adds the `.gitignore` line a target that receives secrets (`.env`, `*.secret.yaml`) needs, or a
   * reason to refuse the whole fix. The .gitignore beside the target is used, whatever the fix itself appends.
   */
  guard(changes: FileChange[]): { changes: FileChange[]; refused?: string } {
    const out = [...changes];
    for (const c of changes) {
      if (!receivesSecrets(c.file)) continue;
      const reason = this.git.refuseReason(c.file);
      if (reason) return { changes, refused: `not writing to ${path.basename(c.file)}: ${reason}` };
      const name = path.basename(c.file);
      const ignoreFile = path.join(path.dirname(c.file), '.gitignore');
      const pending = out.find((x) => x.file === ignoreFile);
      const current = pending ? applyEdits(this.read(ignoreFile) ?? '', pending.edits) : this.read(ignoreFile) ?? '';
      if (current.split(/\r?\n/).some((l) => gitignoreCovers(l, name)) || (!pending && this.overlay.get(ignoreFile) === undefined && this.git.ignored(c.file))) continue;
      const lines = current.split('\n');
      const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
      const edit = { range: { start: end, end } as Range, newText: (current && !current.endsWith('\n') ? '\n' : '') + name + '\n' };
      if (pending) pending.edits.push(edit); else out.push({ file: ignoreFile, edits: [edit], create: current === '' && this.read(ignoreFile) === undefined });
    }
    return { changes: out };
  }

  /** Applies one fix's planned changes to the overlay (after the guard); returns the refusal reason if any. */
  apply(changes: FileChange[]): string | undefined {
    const g = this.guard(changes);
    if (g.refused) return g.refused;
    for (const c of g.changes) this.set(c.file, applyEdits(this.read(c.file) ?? '', c.edits));
    return undefined;
  }

  /**
   * Applies the fixes of one pass together: their edits were all computed against the same text, so
   * they are merged per file and applied at once (one after another would shift each other's ranges).
   */
  private applyPass(group: ChosenFix[], refuse: (c: ChosenFix, why: string) => void): ChosenFix[] {
    const { ok, changes } = this.guardPass(group, refuse);
    for (const c of changes) this.set(c.file, applyEdits(this.read(c.file) ?? '', c.edits));
    return ok;
  }

  /** The fixes of a pass that pass the guard, and their changes (with `.gitignore` lines) merged per file. */
  guardPass(group: ChosenFix[], refuse: (c: ChosenFix, why: string) => void = () => undefined): { ok: ChosenFix[]; changes: FileChange[] } {
    const ok: ChosenFix[] = [];
    const all: FileChange[] = [];
    for (const c of group) {
      const g = this.guard(c.changes);
      if (g.refused) { refuse(c, g.refused); continue; }
      ok.push(c);
      all.push(...g.changes);
    }
    return { ok, changes: mergeChanges(all) };
  }

  /** Values written to .env files and secret manifests or replaced in secrets findings: masked wherever a change is printed. */
  sensitiveOf(chosen: ChosenFix, docText: string): string[] {
    const out: string[] = [];
    if (chosen.finding.category === 'secrets') {
      const lines = docText.split('\n');
      const r = chosen.finding.range;
      if (r.start.line === r.end.line) out.push((lines[r.start.line] ?? '').slice(r.start.character, r.end.character));
    }
    for (const c of chosen.changes) {
      if (isEnvFile(c.file)) {
        for (const e of c.edits) for (const l of e.newText.split('\n')) { const m = /^[^=#]+=(.+)$/.exec(l.trim()); if (m) out.push(m[1].replace(/^(['"])(.*)\1$/, '$2')); }
      } else if (receivesSecrets(c.file)) {
        // Secret manifests get `  KEY: "value"` lines (JSON-quoted); other lines are unquoted.
        for (const e of c.edits) for (const l of e.newText.split('\n')) {
          const m = /^\s+[^:#\s]+:\s*("(?:[^"\\]|\\.)*")\s*$/.exec(l);
          if (!m) continue;
          out.push(m[1].slice(1, -1));
          try { out.push(JSON.parse(m[1]) as string); } catch { /* the quoted text is masked as written */ }
        }
      }
    }
    return out.filter((s) => s.trim().length >= 3);
  }

  /**
   * fix-all on one file until nothing applies (bounded). A pass whose edits would break the file's
   * syntax is retried one fix at a time and the breaking fixes are refused.
   */
  async fixFile(abs: string, config: EngineConfig, opts: { unsafe: boolean; maxPasses?: number }): Promise<{ applied: AppliedFix[]; refused: RefusedFix[]; result: AnalysisResult; converged: boolean }> {
    const applied: AppliedFix[] = [];
    const refused: RefusedFix[] = [];
    const banned = new Set<string>();
    const refuse = (c: ChosenFix, reason: string) => { banned.add(key(c)); refused.push({ file: abs, ruleId: c.finding.ruleId, title: c.fix.title, reason }); };
    let result = await this.analyze(abs, config);
    for (let pass = 0; pass < (opts.maxPasses ?? 10); pass++) {
      if (!result.model) break;
      const plan = planPass(withoutBanned(result, banned, opts.unsafe), abs, this.read, opts.unsafe);
      for (const c of plan.conflicts) refuse({ finding: c.finding, fix: c.fix, changes: [] }, c.reason);
      if (!plan.chosen.length) return { applied, refused, result, converged: true };
      const text = this.read(abs) ?? '';
      const problemsBefore = this.problems(abs, config);
      const snapshot = new Map(this.overlay);
      let ok = this.applyPass(plan.chosen, refuse);
      if (this.problems(abs, config) > problemsBefore) {
        // Find the culprits: each fix alone on this pass's text, then the rest together.
        this.restore(snapshot);
        const group: ChosenFix[] = [];
        for (const c of ok) {
          if (this.apply(c.changes) === undefined && this.problems(abs, config) > problemsBefore) refuse(c, 'the edit would break the file\'s syntax (a bug in the rule\'s fix)');
          else group.push(c);
          this.restore(snapshot);
        }
        ok = this.applyPass(group, refuse);
      }
      const moved = this.changedSince(snapshot);
      for (const c of ok) {
        applied.push({ file: abs, ruleId: c.finding.ruleId, severity: c.finding.severity, title: c.fix.title, safety: c.fix.safety, files: c.changes.map((x) => x.file), sensitive: this.sensitiveOf(c, text) });
      }
      // A fix that rewrites text to itself would otherwise be "applied" on every pass.
      if (!moved) { for (const c of ok) banned.add(key(c)); applied.splice(applied.length - ok.length, ok.length); }
      result = await this.analyze(abs, config);
    }
    const left = result.model ? planPass(withoutBanned(result, banned, opts.unsafe), abs, this.read, opts.unsafe).chosen.length : 0;
    return { applied, refused, result, converged: left === 0 };
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

/** Hides findings whose chosen fix was refused, so the next pass does not pick it again. */
function withoutBanned(result: AnalysisResult, banned: Set<string>, unsafe: boolean): AnalysisResult {
  if (!banned.size) return result;
  return { ...result, findings: result.findings.filter((f) => { const fix = chooseFix(f, unsafe); return !fix || !banned.has(`${f.ruleId}\u0000${fix.title}`); }) };
}
