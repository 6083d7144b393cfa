/**
 * What git says about the files quick fixes move secrets into: tracked files must not receive them,
 * and ignored ones need no new .gitignore line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { globMatches } from '../workspace/globs';

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
  return globMatches(pattern, name, { braces: false });
}
