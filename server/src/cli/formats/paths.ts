import * as fs from 'fs';
import * as path from 'path';

/**
 * The folder CI tools resolve paths against: the repository root (the nearest folder up from `from`
 * holding `.git`, a folder or a worktree's file), else `from` itself. GitHub annotations, GitLab Code
 * Quality and SARIF all expect paths relative to the repository root, wherever the check ran from.
 */
export function repositoryRootOf(from: string = process.cwd()): string {
  const start = path.resolve(from);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** A file relative to the repository root with forward slashes, or absolute (forward slashes) outside it. */
export function repositoryPath(root: string, file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(root, abs);
  const outside = rel.startsWith('..') || path.isAbsolute(rel);
  return (outside ? abs : rel).split(path.sep).join('/');
}
