/**
 * Small scanners for text the user wrote, where the obvious regular expression backtracks: an unanchored
 * `X+$` or `[...]*:` retries from every position of a long run, which is quadratic on a 100 KB value.
 * Each function here reads its input a bounded number of times.
 */

/** `s` without trailing characters from `chars`, a list or a one-character class (`s.replace(/[chars]+$/, '')`). */
export function trimEndOf(s: string, chars: string | RegExp): string {
  const inSet = typeof chars === 'string' ? (c: string) => chars.includes(c) : (c: string) => chars.test(c);
  let end = s.length;
  while (end > 0 && inSet(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without trailing slashes (`/data//` → `/data`). */
export function withoutTrailingSlashes(s: string): string {
  return trimEndOf(s, '/');
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** True when `s` holds a line break (which `.` in a regular expression does not cross). */
export function hasLineBreak(s: string): boolean {
  return LINE_BREAK.test(s);
}

/** The text after the last line break (all of `s` when it is one line). */
export function lastLine(s: string): string {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return s.slice(i + 1);
  }
  return s;
}

/**
 * `s` cut before the first character of `chars` (what `s.replace(/[chars].*$/, '')` means for one line).
 * Only the last line can be cut, as `.` stops at a line break and `$` needs the end of the text.
 */
export function cutAtFirstOf(s: string, chars: string): string {
  const from = s.length - lastLine(s).length;
  for (let i = from; i < s.length; i++) if (chars.includes(s[i])) return s.slice(0, i);
  return s;
}

/** `v` without a ` # comment` (`/\s+#.*$/` on one line): cut at the blanks before the first `#` that follows a blank. */
export function withoutTrailingComment(v: string): string {
  const hash = v.search(/\s#/);
  return hash < 0 || hasLineBreak(v.slice(hash)) ? v : v.slice(0, hash).trimEnd();
}

/** A remote git URL or a `repo.git#ref` build context (`/\.git(?:#.*)?$/i`). */
export function endsWithGitRef(s: string): boolean {
  return /\.git$/i.test(s) || /\.git#/i.test(lastLine(s));
}

const isSchemeChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isWordChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95;

/**
 * Where the URL scheme ending at `colon` (the `:` of `://`) starts: the leftmost position from which
 * `[a-z][a-z0-9+.-]*` reaches `colon` (case-insensitive), with a word boundary before it when asked
 * (`\b[a-z]...`). -1 when there is none. Finding `://` first and reading back keeps a long run of
 * letters from being rescanned at each of its positions.
 */
export function schemeStart(text: string, colon: number, wordBoundary: boolean): number {
  let runStart = colon;
  while (runStart > 0 && isSchemeChar(text.charCodeAt(runStart - 1))) runStart--;
  for (let p = runStart; p < colon; p++) {
    if (!isLetter(text.charCodeAt(p))) continue;
    if (!wordBoundary || p === 0 || !isWordChar(text.charCodeAt(p - 1))) return p;
  }
  return -1;
}
