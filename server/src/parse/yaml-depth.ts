/**
 * YAML read with a nesting limit that does not depend on the stack. The `yaml` library recurses once per
 * nesting level, both where its parser closes many levels at once (a dedent after 3,000 nested mappings)
 * and where it composes documents, and turns a stack overflow into an error at whatever level it happened
 * or throws. Where that is depends on how much stack the caller used and on which functions V8 had
 * optimised by then (optimised frames are smaller): the same text gave 937 syntax errors in one run and
 * 1,847 in the next (fix fuzz case 1:640, whose fix was refused as "breaking the syntax" or applied
 * depending on the process's history).
 *
 * Here the text is measured first, without recursion: a value nested deeper than MAX_YAML_DEPTH is blanked
 * (spaces, line breaks kept, so every offset stays) and the document gets one error at its start. The
 * measure counts every construct that can open a level (indentation, `- `, `? `, `: `, flow brackets),
 * so it never counts fewer levels than the parser opens; the parser then never comes near the stack's
 * end, and the same text always gives the same documents and errors.
 */
import { Composer, CST, Document, DocumentOptions, Lexer, ParseOptions, Parser, SchemaOptions, YAMLParseError } from 'yaml';

/**
 * Values nested deeper than this are not read. The parser and composer need about 1,600 levels of stack
 * in a process with nothing else on it; no Compose file, manifest or values file nests anywhere near 128.
 */
export const MAX_YAML_DEPTH = 256;

/** The message of the error a value nested too deeply gives (parse/yaml.ts words it for users). */
export const TOO_DEEP = 'YAML nested deeper than the reading limit';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** parseAllDocuments (errors not prettified), with values nested deeper than MAX_YAML_DEPTH blanked and reported. */
export function parseAllDocumentsBounded(text: string, options: Options = {}): Document.Parsed[] {
  const { input, cuts } = cutTooDeep(text);
  const docs = Array.from(new Composer(options).compose(new Parser(options.lineCounter?.addNewLine).parse(input))) as Document.Parsed[];
  reportCuts(docs, cuts);
  return docs;
}

/** parseDocument (errors not prettified), with values nested deeper than MAX_YAML_DEPTH blanked and reported. */
export function parseDocumentBounded(text: string, options: Options = {}): Document.Parsed {
  const { input, cuts } = cutTooDeep(text);
  let doc: Document.Parsed | undefined;
  for (const d of new Composer(options).compose(new Parser(options.lineCounter?.addNewLine).parse(input), true, input.length)) {
    if (!doc) { doc = d as Document.Parsed; continue; }
    doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
    break;
  }
  reportCuts([doc!], cuts.filter((c) => c < (doc!.range?.[2] ?? input.length)));
  return doc!;
}

/** Each cut is an error of the document it lies in (the last one starting before it). */
function reportCuts(docs: Document.Parsed[], cuts: number[]): void {
  for (const at of cuts) {
    const doc = [...docs].reverse().find((d) => (d.range?.[0] ?? 0) <= at) ?? docs[0];
    doc?.errors.push(new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', TOO_DEEP));
  }
}

/** Cuts after which whatever is left deeper than the limit is blanked to the end (a file made of deep values). */
const MAX_CUTS = 32;

/**
 * The text with every value nested deeper than MAX_YAML_DEPTH blanked, and where each blanked value
 * started. One value is cut at a time and the text measured again, so a cut that changes how the rest
 * reads (a quote blanked open) is measured as the parser will read it.
 */
export function cutTooDeep(text: string): { input: string; cuts: number[] } {
  const cuts: number[] = [];
  let input = text;
  for (let cut = firstTooDeep(input); cut; cut = firstTooDeep(input)) {
    cuts.push(cut.start);
    input = blanked(input, cut.start, cuts.length >= MAX_CUTS ? input.length : cut.end);
  }
  return { input, cuts };
}

/** Spaces in place of [start, end), line breaks kept. */
function blanked(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end);
}

/**
 * The first value nested deeper than the limit, read with the parser's own lexer (quotes, comments, block
 * scalars as it reads them). Levels counted: indentation levels of block lines, each `- `, `? ` and `:`
 * indicator of the line (compact nesting), open flow brackets. The value runs to its closing bracket (a
 * flow collection), or to the end of its line and every following line indented deeper.
 */
function firstTooDeep(text: string): { start: number; end: number } | undefined {
  const indents: number[] = [];
  let flow = 0, extra = 0, offset = 0, lineStart = 0;
  let atScalar = false, lineIndent = -1;
  let cut: { start: number; flow: number; indent: number; atLineStart: boolean } | undefined;
  for (const lexeme of new Lexer().lex(text)) {
    const at = offset;
    const type = atScalar ? 'scalar' : CST.tokenType(lexeme);
    if (lexeme === CST.SCALAR) { atScalar = true; continue; }
    atScalar = false;
    if (type === 'doc-mode' || type === 'flow-error-end') continue;
    offset += lexeme.length;
    if (cut) {
      // Inside the cut value: find where it ends.
      if (cut.flow >= 0) {
        if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
        else if ((type === 'flow-seq-end' || type === 'flow-map-end') && --flow === cut.flow) return { start: cut.start, end: offset };
        continue;
      }
      if (type === 'newline') { lineStart = offset; lineIndent = -1; continue; }
      if (lineIndent >= 0 || type === 'space' || type === 'comment') continue;
      lineIndent = at - lineStart;
      if (lineIndent < cut.indent || (lineIndent === cut.indent && !cut.atLineStart)) return { start: cut.start, end: lineStart };
      continue;
    }
    if (type === 'newline') { extra = 0; lineStart = offset; lineIndent = -1; continue; }
    if (type === 'space' || type === 'comment') continue;
    if (type === 'doc-start' || type === 'doc-end') { indents.length = 0; flow = 0; continue; }
    const firstOfLine = lineIndent < 0;
    if (firstOfLine) {
      lineIndent = at - lineStart;
      if (flow === 0) { while (indents.length && indents[indents.length - 1] >= lineIndent) indents.pop(); indents.push(lineIndent); }
    }
    if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') extra++;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && flow > 0) flow--;
    if (indents.length + extra + flow <= MAX_YAML_DEPTH) continue;
    const opensFlow = type === 'flow-seq-start' || type === 'flow-map-start';
    cut = { start: at, flow: opensFlow ? flow - 1 : -1, indent: lineIndent, atLineStart: firstOfLine };
  }
  return cut && { start: cut.start, end: text.length };
}
