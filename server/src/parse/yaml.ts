import type { Document } from 'yaml';
import type { ParseProblem } from '../model/common';
import type { SourceText } from '../model/range';
import { yamlParserView } from '../model/line-breaks';
import { TEMPLATE_MARK } from '../knowledge/interpolation';
import { deepYamlMessage, isStackOverflow } from './parser-errors';
import { parseAllDocumentsBounded, TOO_DEEP } from './yaml-depth';
import { YView } from './yaml-view';

export interface ParsedYaml {
  docs: { view: YView; index: number; hasErrors: boolean; templated: boolean }[];
  problems: ParseProblem[];
  /** Read from `lenient` (see parseYaml). */
  readAsWritten?: boolean;
}

/**
 * Parses every document of a YAML stream with exact ranges. Documents with syntax errors are kept
 * out of the model (their error is a problem), so one broken document does not hide the others.
 * `lenient` is the same text without go-yaml's extra line breaks (yamlParserInput): when only those
 * breaks make the stream invalid, Compose and kubectl reject the file and the errors say so, but the
 * model is read from `lenient`, so its secrets and the rest are still analysed.
 */
export function parseYaml(text: string, source: SourceText, lenient?: string): ParsedYaml {
  const strict = readDocuments(text, source);
  if (lenient === undefined || lenient === text || !strict.docs.some((d) => d.hasErrors)) return strict;
  const loose = readDocuments(lenient, source);
  if (loose.problems.length) return strict;
  const why = ' (Compose and kubectl end the line at a lone CR, NEL, LS or PS before this point, which editors may not show; the file is analysed as if that break were not there)';
  return { docs: loose.docs, problems: strict.problems.map((p) => ({ ...p, message: p.message + why })), readAsWritten: true };
}

function readDocuments(text: string, source: SourceText): ParsedYaml {
  const problems: ParseProblem[] = [];
  const docs: ParsedYaml['docs'] = [];
  let all: Document.Parsed[];
  try {
    all = parseAllDocumentsBounded(text, { merge: true, uniqueKeys: false, strict: false });
  } catch (e) {
    problems.push({ message: isStackOverflow(e) ? deepYamlMessage(text) : `YAML could not be read: ${(e as Error).message}`, range: source.range(0, 0) });
    return { docs, problems };
  }
  if (!Array.isArray(all)) all = [all as unknown as Document.Parsed];
  all.forEach((doc, index) => {
    for (const err of doc.errors) {
      const message = err.message === TOO_DEEP || isStackOverflow(err.message) ? deepYamlMessage(text, err.pos[0]) : `YAML syntax error: ${err.message.split('\n')[0]}`;
      problems.push({ message, range: source.range(err.pos[0], err.pos[1]) });
    }
    const r = doc.range;
    const templated = r ? text.slice(r[0], r[2]).includes(TEMPLATE_MARK) : false;
    docs.push({ view: new YView(doc.contents as never, doc, source), index, hasErrors: doc.errors.length > 0, templated });
  });
  return { docs, problems };
}

/**
 * The text the YAML parser reads, at the original's length: go-yaml's line breaks (what Compose and
 * kubectl read, see model/line-breaks) and Helm template actions masked. `templated` when actions were;
 * `lenient` (when it differs) the same without go-yaml's extra line breaks, for parseYaml.
 */
export function yamlParserInput(text: string): { input: string; lenient?: string; templated: boolean } {
  const view = yamlParserView(text);
  const input = maskTemplates(view);
  return { input, lenient: view === text ? undefined : maskTemplates(text), templated: input !== view };
}

/**
 * Masks Helm/Go template actions so the chart template can be read as YAML with unchanged offsets:
 * a line holding only actions (`{{- if .Values.x }}`) becomes blank, an action inside a value
 * (`image: {{ .Values.image }}`) becomes TEMPLATE_MARK characters, which mark the value as dynamic.
 */
let lastMasked: { text: string; masked: string } | undefined;

export function maskTemplates(text: string): string {
  if (!text.includes('{{')) return text;
  // The parser and the secret scan both mask the same text, one after the other.
  if (lastMasked?.text === text) return lastMasked.masked;
  const inTemplate = new Uint8Array(text.length);
  // Each action runs to the first `}}` after it (`/\{\{[\s\S]*?\}\}/g`); with no `}}` left, no later `{{` closes either.
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', open)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    inTemplate.fill(1, open, close + 2);
    open = close + 2;
  }
  // Unchanged stretches are copied as slices; only masked characters are written one by one.
  const parts: string[] = [];
  let copied = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let hasTemplate = false, hasOther = false;
    for (let i = lineStart; i < lineEnd; i++) {
      if (inTemplate[i]) hasTemplate = true;
      else if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') hasOther = true;
    }
    if (hasTemplate) {
      const mark = hasOther ? TEMPLATE_MARK : ' ';
      for (let i = lineStart; i < lineEnd; i++) {
        if (!inTemplate[i] || text[i] === '\r') continue;
        if (i > copied) parts.push(text.slice(copied, i));
        parts.push(mark);
        copied = i + 1;
      }
    }
    lineStart = lineEnd + 1;
  }
  parts.push(text.slice(copied));
  const masked = parts.join('');
  lastMasked = { text, masked };
  return masked;
}
