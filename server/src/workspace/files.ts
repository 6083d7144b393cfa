import * as fs from 'fs';
import * as path from 'path';
import { isCandidatePath } from '../parse/detect';

/** Folders never worth walking: dependencies, VCS data, build output of package managers. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', 'bower_components', '.venv', 'venv', '__pycache__', '.tox', '.terraform', '.cache', '.next', '.nuxt', 'target', '.gradle', '.idea', '.vscode-test']);

/** Files under the given paths that could be Dockerfiles, Compose files or manifests, in a stable order. */
export function collectFiles(paths: string[], isIgnored: (p: string) => boolean = () => false): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => { const abs = path.resolve(p); if (!seen.has(abs)) { seen.add(abs); files.push(p); } };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (isIgnored(p)) continue;
      if (e.isDirectory()) { if (!SKIPPED_DIRS.has(e.name)) walk(p); }
      else if (e.isFile() && isCandidatePath(p)) add(p);
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { missing.push(p); continue; }
    if (st.isDirectory()) walk(p); else add(p);
  }
  return { files, missing };
}
