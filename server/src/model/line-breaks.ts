/**
 * What counts as a line break, in one place. See docs/line-breaks.md for the facts behind it:
 *
 * - Positions (LSP, VS Code, SourceText, fix edits) and dockerfile-ast: LF, CRLF and a lone CR.
 * - Docker Compose and kubectl read YAML with go-yaml, which also breaks lines at a lone CR, NEL
 *   (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). The `yaml` library we parse
 *   with breaks only at LF and CRLF, so a lone CR after a comment hid the rest of the line from us
 *   while Compose saw `privileged: true` there. `yamlParserView` hands it go-yaml's view instead.
 * - BuildKit splits a Dockerfile at LF only; a lone CR stays inside the line. dockerfile-ast (and the
 *   editor) break there, so such a file is analysed as shown and `loneCrOffsets` lets the parser say
 *   that Docker will read it differently.
 */

const LF = 10, CR = 13;

/** A CR not followed by LF: a line break for editors, dockerfile-ast and go-yaml, not for BuildKit or `yaml`. */
export function isLoneCr(text: string, i: number): boolean {
  return text.charCodeAt(i) === CR && text.charCodeAt(i + 1) !== LF;
}

/**
 * The text as go-yaml (Compose, kubectl) splits it into lines, at the same length so that every offset
 * the parser reports is an offset of the original text: each lone CR, NEL, LS and PS becomes LF.
 * Returns the text itself when it holds none of them.
 */
export function yamlParserView(text: string): string {
  if (!/\r(?!\n)|[\u0085\u2028\u2029]/.test(text)) return text;
  return text.replace(/\r(?!\n)|[\u0085\u2028\u2029]/g, '\n');
}

/** Offsets of the lone CRs in a text (at most `limit`). */
export function loneCrOffsets(text: string, limit = Infinity): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\r'); i >= 0 && out.length < limit; i = text.indexOf('\r', i + 1)) {
    if (isLoneCr(text, i)) out.push(i);
  }
  return out;
}

let lastText: string | undefined;
let lastBreak: '\n' | '\r\n' | '\r' = '\n';

/**
 * The line break a file mostly uses (LF, CRLF or a lone CR), for the line breaks an edit inserts.
 * Ties and files without any line break get LF.
 */

export function lineBreakOf(text: string): '\n' | '\r\n' | '\r' {
  // Fixes ask once per finding about the same document: counting again each time was quadratic (fix-all on 40k RUN lines: minutes).
  if (text === lastText) return lastBreak;
  lastText = text;
  lastBreak = countLineBreaks(text);
  return lastBreak;
}

function countLineBreaks(text: string): '\n' | '\r\n' | '\r' {
  let lf = 0, crlf = 0, cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) lf++;
    else if (c === CR) {
      if (text.charCodeAt(i + 1) === LF) { crlf++; i++; } else cr++;
    }
  }
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}

/**
 * The line break an edit of a Dockerfile inserts: CRLF or LF as the file mostly uses. Never a lone CR,
 * even in a CR-only file: BuildKit would read the inserted instruction as part of the line before it.
 */
export function dockerfileLineBreakOf(text: string): '\n' | '\r\n' {
  return lineBreakOf(text) === '\r\n' ? '\r\n' : '\n';
}

/**
 * Editor lines (SourceText's) holding a NEL, LS or PS: go-yaml breaks the line there and editors do
 * not, so columns and line ends computed on such a line mean different things to the two.
 */
export function linesWithUnicodeBreaks(text: string, lineOf: (offset: number) => number): Set<number> {
  const lines = new Set<number>();
  const re = /[\u0085\u2028\u2029]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) lines.add(lineOf(m.index));
  return lines;
}

/** A file's lines, any line-break convention (LF, CRLF, lone CR), without a leading BOM. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}
