import * as path from 'path';
import { braceExpand, Minimatch, MinimatchOptions } from 'minimatch';

/**
 * Globs from `.seaworthy.yaml` (`ignore`) and VS Code settings (`files.exclude`, `search.exclude`):
 * `**` any number of folders, `*` and `?` within one name, `{a,b}` alternatives, `[abc]` / `[!abc]`
 * classes, `\` escapes the next character. Names starting with a dot match like any other.
 *
 * Matching is minimatch's (v11: names are matched without recursive backtracking and repeated `**`
 * segments are collapsed, so matching stays linear in the path). minimatch never rejects a pattern — `{a,b` is a
 * literal, `[z-a]` matches nothing — so globProblem says what looks like a mistake, in words, before a
 * pattern is used.
 */

/** Brace alternatives a glob may expand to; beyond this the pattern is refused rather than cut short. */
export const MAX_GLOB_ALTERNATIVES = 1000;

const OPTIONS: MinimatchOptions = {
  dot: true,
  // A leading `!` or `#` and `+(…)`-style groups are literal text: neither syntax is documented.
  nonegate: true, nocomment: true, noext: true,
  braceExpandMax: MAX_GLOB_ALTERNATIVES + 1,
};

export interface Glob { readonly source: string; test(relPath: string): boolean }

export class InvalidGlob extends Error {
  constructor(readonly glob: string, readonly reason: string) { super(`invalid glob "${glob}": ${reason}`); }
}

/** What is wrong with a glob, for a person (undefined: nothing). */
export function globProblem(glob: string, braces = true): string | undefined {
  let depth = 0;
  let lastOpen = -1;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') { i++; continue; }
    if (c === '[') {
      const close = classEnd(glob, i);
      if (close < 0) return `"[" at character ${i + 1} is never closed by "]" (write "\\[" for a literal bracket)`;
      const reversed = reversedRange(glob.slice(i + 1, close));
      if (reversed) return `"${reversed}" in "${glob.slice(i, close + 1)}" is not a range: "${reversed[0]}" comes after "${reversed[reversed.length - 1]}"`;
      i = close;
    } else if (braces && c === '{') { if (depth++ === 0) lastOpen = i; }
    else if (braces && c === '}' && depth > 0) depth--;
  }
  if (depth > 0) return `"{" at character ${lastOpen + 1} is never closed by "}" (write "\\{" for a literal brace)`;
  if (braces && braceExpand(glob, OPTIONS).length > MAX_GLOB_ALTERNATIVES) return `its {…} alternatives expand to more than ${MAX_GLOB_ALTERNATIVES.toLocaleString('en-US')} patterns`;
  return undefined;
}

/** Index of the `]` closing the class opened at `open`, or -1 (a class never spans a `/`). */
function classEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') { i++; continue; }
    if (glob[i] === '/') return -1;
    if (glob[i] === ']') return i;
  }
  return -1;
}

/** The first `z-a` style range in a class body whose ends are out of order. */
function reversedRange(body: string): string | undefined {
  const chars: string[] = [];
  for (let i = body[0] === '!' || body[0] === '^' ? 1 : 0; i < body.length; i++) chars.push(body[i] === '\\' && i + 1 < body.length ? body[++i] : body[i]);
  for (let i = 1; i + 1 < chars.length; i++) {
    if (chars[i] === '-' && chars[i - 1].codePointAt(0)! > chars[i + 1].codePointAt(0)!) return `${chars[i - 1]}-${chars[i + 1]}`;
  }
  return undefined;
}

/** Compiles a glob matched against `/`-separated relative paths; throws InvalidGlob with the reason. */
export function compileGlob(glob: string, opts: { braces?: boolean } = {}): Glob {
  const braces = opts.braces ?? true;
  const problem = globProblem(glob, braces);
  if (problem) throw new InvalidGlob(glob, problem);
  let mm: Minimatch;
  try { mm = new Minimatch(glob, { ...OPTIONS, nobrace: !braces }); } catch (e) { throw new InvalidGlob(glob, (e as Error).message); }
  return { source: glob, test: (rel) => mm.match(rel) };
}

/** One-off match; an invalid glob matches nothing. */
export function globMatches(glob: string, relPath: string, opts: { braces?: boolean } = {}): boolean {
  try { return compileGlob(glob, opts).test(relPath); } catch (e) { if (e instanceof InvalidGlob) return false; throw e; }
}

/**
 * A predicate for absolute paths: true when the path, relative to the root that contains it, matches an
 * enabled glob (VS Code settings map glob → true/false, or a `when` clause we treat as enabled). Invalid
 * globs are left out and passed to `onInvalid`: a setting must not stop the workspace scan.
 */
export function excludeMatcher(roots: string[], globs: Record<string, unknown>, onInvalid: (e: InvalidGlob) => void = () => undefined): (abs: string) => boolean {
  const patterns: Glob[] = [];
  for (const [g, on] of Object.entries(globs)) {
    if (!(on === true || (typeof on === 'object' && on !== null))) continue;
    try { patterns.push(compileGlob(g.replace(/^\.\//, ''))); } catch (e) { if (e instanceof InvalidGlob) onInvalid(e); else throw e; }
  }
  if (!patterns.length) return () => false;
  return (abs) => {
    const root = roots.find((r) => abs === r || abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    if (!root) return false;
    const rel = path.relative(root, abs).split(path.sep).join('/');
    return rel !== '' && patterns.some((p) => p.test(rel));
  };
}
