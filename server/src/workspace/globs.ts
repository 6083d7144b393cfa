import * as path from 'path';

/**
 * VS Code `files.exclude` / `search.exclude` globs (`**`, `*`, `?`, `{a,b}`, `[abc]`), matched against a
 * path relative to its workspace folder. A small converter instead of a dependency: the settings only
 * use this subset, and the server bundle stays free of a glob library.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything below.
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') { inGroup++; re += '(?:'; }
    else if (c === '}' && inGroup) { inGroup--; re += ')'; }
    else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
      i = end;
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * A predicate for absolute paths: true when the path, relative to the root that contains it, matches an
 * enabled glob (VS Code settings map glob → true/false, or a `when` clause we treat as enabled).
 */
export function excludeMatcher(roots: string[], globs: Record<string, unknown>): (abs: string) => boolean {
  const patterns = Object.entries(globs).filter(([, on]) => on === true || (typeof on === 'object' && on !== null)).map(([g]) => globToRegExp(g.replace(/^\.\//, '')));
  if (!patterns.length) return () => false;
  return (abs) => {
    const root = roots.find((r) => abs === r || abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    if (!root) return false;
    const rel = path.relative(root, abs).split(path.sep).join('/');
    return rel !== '' && patterns.some((p) => p.test(rel));
  };
}
