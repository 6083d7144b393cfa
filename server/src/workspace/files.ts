import * as fs from 'fs';
import * as path from 'path';
import { isCandidatePath } from '../parse/detect';
import { unreadable } from './safe-read';

/** Folders never worth walking: dependencies, VCS data, build output of package managers. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', 'bower_components', '.venv', 'venv', '__pycache__', '.tox', '.terraform', '.cache', '.next', '.nuxt', 'target', '.gradle', '.idea', '.vscode-test']);

/**
 * Something the walk did not look into, said in `problems` rather than dropped in silence: a folder it
 * could not read, a path too long for the system, a symbolic link (never followed, so a link loop
 * cannot trap the walk), a FIFO or device file under a name we would analyse.
 */
export interface SkippedPath { path: string; severity: 'info' | 'warning'; message: string }

export type ReadDir = (dir: string) => fs.Dirent[];
const readDirSorted: ReadDir = (dir) => fs.readdirSync(dir, { withFileTypes: true });

/**
 * Files under the given paths that could be Dockerfiles, Compose files or manifests, in a stable order
 * (depth first, names sorted). The walk uses its own stack, so a very deep tree cannot overflow the call
 * stack. `readDir` is replaceable for tests (a root user can read a `chmod 000` folder).
 */
export function collectFiles(paths: string[], isIgnored: (p: string) => boolean = () => false, readDir: ReadDir = readDirSorted): { files: string[]; missing: string[]; skipped: SkippedPath[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const skipped: SkippedPath[] = [];
  const seen = new Set<string>();
  const add = (p: string) => { const abs = path.resolve(p); if (!seen.has(abs)) { seen.add(abs); files.push(p); } };
  const walk = (root: string) => {
    // Entries still to visit, last first: a folder's entries are pushed in reverse name order.
    const stack: { p: string; dir: boolean }[] = [{ p: root, dir: true }];
    while (stack.length) {
      const { p, dir } = stack.pop()!;
      if (!dir) { add(p); continue; }
      let entries: fs.Dirent[];
      try { entries = readDir(p); } catch (e) {
        const why = unreadable(p, e);
        if (why.reason !== 'missing') skipped.push({ path: p, severity: 'warning', message: `Folder skipped: ${why.message}.` });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) {
        const child = path.join(p, e.name);
        if (isIgnored(child)) continue;
        if (e.isDirectory()) { if (!SKIPPED_DIRS.has(e.name)) stack.push({ p: child, dir: true }); }
        else if (e.isFile()) { if (isCandidatePath(child)) stack.push({ p: child, dir: false }); }
        else {
          const note = specialEntry(child, e);
          if (note) skipped.push(note);
        }
      }
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch (e) {
      const why = unreadable(p, e);
      if (why.reason === 'missing') missing.push(p); else skipped.push({ path: p, severity: 'warning', message: `Skipped: ${why.message}.` });
      continue;
    }
    if (st.isDirectory()) walk(p); else add(p);
  }
  // Skips are found in walk order; list them in path order, like the files.
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, missing, skipped };
}

/** A symbolic link, FIFO, socket or device in a walked folder: worth a note when we would have read it. */
function specialEntry(p: string, e: fs.Dirent): SkippedPath | undefined {
  if (e.isSymbolicLink()) {
    let target: fs.Stats | undefined;
    try { target = fs.statSync(p); } catch { target = undefined; }
    if (target?.isDirectory()) return { path: p, severity: 'info', message: 'Folder not walked: it is a symbolic link, and links are not followed (so a link loop cannot trap the scan).' };
    if (!isCandidatePath(p)) return undefined;
    if (!target) return { path: p, severity: 'warning', message: 'File skipped: it is a symbolic link whose target is missing or loops back on itself.' };
    return { path: p, severity: 'info', message: 'File skipped: it is a symbolic link, and links are not followed while walking folders (check its target instead).' };
  }
  if (!isCandidatePath(p)) return undefined;
  const kind = e.isFIFO() ? 'a named pipe (FIFO)' : e.isSocket() ? 'a socket' : e.isCharacterDevice() || e.isBlockDevice() ? 'a device file' : 'not a regular file';
  return { path: p, severity: 'warning', message: `File skipped: it is ${kind}, not a regular file.` };
}
