import { Copy, DockerfileParser, Heredoc as AstHeredoc, Instruction as AstInstruction, Run } from 'dockerfile-ast';
import type { ParseProblem } from '../model/common';
import type { SourceText } from '../model/range';
import { parserFailure } from './parser-errors';

/**
 * dockerfile-ast is the parser of the Docker language server and reads most files well, but some
 * inputs make it throw (docs/upstream/dockerfile-ast-getheredocs-typeerror.md). A throw must never
 * cost the whole file: its secrets would go unreported. This module reads what can be read.
 */

/**
 * The text dockerfile-ast reads: each lone CR is an LF. dockerfile-ast counts a lone CR as a line break
 * like the editor does, so positions are unchanged, but its heredoc scan treats `\` + lone CR as the
 * start of a CRLF and then throws (the known crash).
 */
export function dockerfileParserView(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Above this many instructions the instruction-by-instruction fallback would take too long. */
const MAX_FALLBACK_CHUNKS = 2000;

/**
 * The instructions of a Dockerfile (its dockerfileParserView) and its escape character. When the parser throws on the whole
 * text, each instruction is parsed on its own (at its own lines, so positions stay exact) and those
 * that still throw are reported as problems.
 */
export function readInstructions(view: string, source: SourceText, problems: ParseProblem[]): { nodes: AstInstruction[]; escapeChar: string } {
  try {
    const ast = DockerfileParser.parse(view);
    return { nodes: ast.getInstructions(), escapeChar: ast.getEscapeCharacter() };
  } catch (e) {
    return readChunks(view, source, problems, e);
  }
}

function readChunks(view: string, source: SourceText, problems: ParseProblem[], cause: unknown): { nodes: AstInstruction[]; escapeChar: string } {
  const escapeChar = escapeDirective(view);
  const chunks = instructionChunks(source, escapeChar);
  if (chunks.length > MAX_FALLBACK_CHUNKS) {
    problems.push({ range: source.range(0, 0), message: `The Dockerfile parser failed on this file (${reason(cause)}), and it is too long to read instruction by instruction: nothing in it was analysed.` });
    return { nodes: [], escapeChar };
  }
  // Directives and comments before the first instruction keep the escape character; blank lines keep positions.
  const head = chunks.length ? view.slice(0, source.lineStart(chunks[0].first)) : view;
  const headLines = chunks.length ? chunks[0].first : 0;
  const nodes: AstInstruction[] = [];
  const failed: number[] = [];
  for (const c of chunks) {
    const body = view.slice(source.lineStart(c.first), c.last + 1 < source.lineCount ? source.lineStart(c.last + 1) : view.length);
    try {
      nodes.push(...DockerfileParser.parse(head + '\n'.repeat(c.first - headLines) + body).getInstructions());
    } catch {
      failed.push(c.first);
    }
  }
  const where = failed.length
    ? `the instruction${failed.length > 1 ? 's' : ''} at line${failed.length > 1 ? 's' : ''} ${failed.slice(0, 5).map((l) => l + 1).join(', ')}${failed.length > 5 ? ', …' : ''} could not be read and ${failed.length > 1 ? 'are' : 'is'} left out`
    : 'every instruction was read on its own';
  problems.push({
    range: source.range(source.lineStart(failed[0] ?? 0), source.lineEnd(failed[0] ?? 0)),
    message: `The Dockerfile parser failed on this file (${reason(cause)}); it was read instruction by instruction: ${where}.`,
  });
  return { nodes, escapeChar };
}

/**
 * The heredocs of a RUN or COPY. dockerfile-ast's heredoc scan throws when it takes an escaped line break
 * for an unescaped one (`\` + lone CR, or an escape character inside a comment line of a continued
 * instruction); without a `<<` argument there was no heredoc to lose.
 */
export function heredocsOf(node: Run | Copy, unreadable: (cause: unknown) => void): AstHeredoc[] {
  try {
    return node.getHeredocs();
  } catch (e) {
    // With a `<<` argument a heredoc is lost: say so, and keep the rest of the instruction.
    if (node.getArguments().some((a) => a.getValue().startsWith('<<'))) unreadable(e);
    return [];
  }
}

/** A problem for heredocs of an instruction the parser could not read. */
export function unreadableHeredocs(node: AstInstruction, cause: unknown, source: SourceText): ParseProblem {
  const line = node.getRange().start.line;
  return {
    range: source.range(source.lineStart(line), source.lineEnd(line)),
    message: `Line ${line + 1}: the heredocs of this ${node.getKeyword().toUpperCase()} could not be read (${reason(cause)}); the rest of the instruction is analysed.`,
  };
}

/** A problem for one instruction the parser could not read; the others are still analysed. */
export function unreadableInstruction(node: AstInstruction, cause: unknown, source: SourceText): ParseProblem {
  let line = 0;
  try { line = node.getRange().start.line; } catch { /* keep line 0 */ }
  let keyword = 'this';
  try { keyword = node.getKeyword().toUpperCase(); } catch { /* generic wording */ }
  return {
    range: source.range(source.lineStart(line), source.lineEnd(line)),
    message: `Line ${line + 1}: the ${keyword} instruction could not be read (${reason(cause)}) and is left out of the analysis; the rest of the file is analysed.`,
  };
}

function reason(e: unknown): string {
  const m = parserFailure(e);
  return `dockerfile-ast: ${m.length > 120 ? m.slice(0, 120) + '…' : m}`;
}

function escapeDirective(view: string): string {
  // Parser directives come first, before any comment or instruction (BuildKit reads only those).
  for (const line of view.split('\n', 20)) {
    const m = /^#[ \t]*escape[ \t]*=[ \t]*([\\`])[ \t]*\r?$/i.exec(line);
    if (m) return m[1];
    if (!/^#[ \t]*[a-z]+[ \t]*=/i.test(line)) break;
  }
  return '\\';
}

/**
 * Lines of each instruction: an instruction starts on a line beginning with a word (not a comment)
 * that does not continue the line before (escape character at its end).
 */
function instructionChunks(source: SourceText, escapeChar: string): { first: number; last: number }[] {
  const chunks: { first: number; last: number }[] = [];
  let continued = false;
  for (let line = 0; line < source.lineCount; line++) {
    const t = source.lineText(line);
    const trimmed = t.trim();
    if (!continued && /^[A-Za-z]/.test(trimmed)) chunks.push({ first: line, last: line });
    else if (chunks.length) chunks[chunks.length - 1].last = line;
    if (trimmed && !trimmed.startsWith('#')) continued = trimmed.endsWith(escapeChar);
  }
  return chunks;
}
