/**
 * The quick fix of `database-without-volume` for Compose: mount a new named volume at the data
 * directory and declare it under the top-level `volumes:`. Edits are computed from the model's
 * ranges and the file's own indentation; when the layout is unusual (flow maps, empty keys, a
 * conflicting tmpfs) no fix is offered rather than a risky one.
 */
import type { Fix, TextEdit } from '../../engine/rule';
import type { ComposeModel, ComposeMount, ComposeService } from '../../model/compose';
import { Range, rangeContains, SourceText } from '../../model/range';
import type { YEntry, YView } from '../../parse/yaml-view';
import { lineBreakOf } from '../../model/line-breaks';


/** Own entries of a map (not those pulled in by `<<:` merge keys, which live elsewhere in the file). */
function ownEntries(v: YView): YEntry[] {
  return v.entries().filter((e) => rangeContains(v.range, e.keyRange));
}

/** Offset of the end of the last line an entry or node occupies (before its line break). */
function lastLineEnd(src: SourceText, startLine: number, endOffset: number): number {
  const p = src.positionAt(endOffset);
  const line = p.character === 0 && p.line > startLine ? p.line - 1 : p.line;
  return src.lineEnd(line);
}

function isFlow(src: SourceText, v: YView, open: string): boolean {
  return src.text[src.offsetAt(v.range.start)] === open;
}

function insertAt(src: SourceText, offset: number, text: string): TextEdit {
  const p = src.positionAt(offset);
  return { range: { start: p, end: p } as Range, newText: text };
}

function leadingSpaces(src: SourceText, line: number): string {
  return /^[ \t]*/.exec(src.lineText(line))![0];
}

/** A volume name not yet used in the file. */
function freshName(model: ComposeModel, service: ComposeService): string {
  const used = new Set<string>(model.namedVolumes.keys());
  for (const s of model.services) for (const v of s.volumes) if (v.source) used.add(v.source.value);
  const base = `${service.name.replace(/[^A-Za-z0-9_.-]/g, '-')}-data`;
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  return name;
}

function serviceEdit(model: ComposeModel, s: ComposeService, spec: string, eol: string): TextEdit | undefined {
  const src = model.source;
  const vols = s.raw.get('volumes');
  if (vols) {
    if (!vols.isSeq) return undefined;
    const items = vols.items();
    if (isFlow(src, vols, '[')) return insertAt(src, src.offsetAt(vols.range.end) - 1, items.length ? `, ${spec}` : spec);
    if (!items.length) return undefined;
    const first = items[0].range.start.line;
    const indent = /^([ \t]*)-/.exec(src.lineText(first))?.[1];
    if (indent === undefined) return undefined;
    const last = items[items.length - 1];
    return insertAt(src, lastLineEnd(src, last.range.start.line, src.offsetAt(last.range.end)), `${eol}${indent}- ${spec}`);
  }
  if (isFlow(src, s.raw, '{')) return undefined;
  const own = ownEntries(s.raw);
  if (!own.length) return undefined;
  const indent = leadingSpaces(src, own[0].keyRange.start.line);
  if (indent.length !== own[0].keyRange.start.character) return undefined;
  const step = ' '.repeat(Math.max(2, own[0].keyRange.start.character - s.keyRange.start.character));
  const last = own.reduce((a, b) => (src.offsetAt(b.range.end) > src.offsetAt(a.range.end) ? b : a));
  const at = lastLineEnd(src, last.keyRange.start.line, src.offsetAt(last.range.end));
  return insertAt(src, at, `${eol}${indent}volumes:${eol}${indent}${step}- ${spec}`);
}

function topLevelEdit(model: ComposeModel, name: string, eol: string): TextEdit | undefined {
  const src = model.source;
  const root = model.root;
  if (!root) return undefined;
  // Top-level maps' children are indented like the service names under `services:`.
  const childIndent = ' '.repeat(model.services[0]?.keyRange.start.character || 2);
  const entry = root.entry('volumes');
  if (!entry) {
    const text = src.text;
    const sep = text.length && !text.endsWith('\n') ? eol : '';
    return insertAt(src, text.length, `${sep}volumes:${eol}${childIndent}${name}:${eol}`);
  }
  const v = entry.value;
  if (v.isNull) {
    if (v.node && src.slice(v.range).trim()) return undefined;
    return insertAt(src, src.lineEnd(entry.keyRange.start.line), `${eol}${childIndent}${name}:`);
  }
  if (!v.isMap) return undefined;
  const own = ownEntries(v);
  if (isFlow(src, v, '{')) return insertAt(src, src.offsetAt(v.range.end) - 1, own.length ? `, ${name}: {}` : `${name}: {}`);
  if (!own.length) return undefined;
  const indent = leadingSpaces(src, own[0].keyRange.start.line);
  const last = own.reduce((a, b) => (src.offsetAt(b.range.end) > src.offsetAt(a.range.end) ? b : a));
  return insertAt(src, lastLineEnd(src, last.keyRange.start.line, src.offsetAt(last.range.end)), `${eol}${indent}${name}:`);
}

/**
 * Mounts `<service>-data` at `dataDir`. An anonymous short-syntax volume at exactly that path is
 * turned into the named one; any other mount at the same target (tmpfs, long syntax) would clash,
 * so no fix is offered then.
 */
export function addNamedVolumeFix(model: ComposeModel, s: ComposeService, dataDir: string, sameTarget: ComposeMount | undefined, tmpfsKeyClash: boolean): Fix | undefined {
  if (tmpfsKeyClash) return undefined;
  const eol = lineBreakOf(model.source.text);
  const name = freshName(model, s);
  let first: TextEdit | undefined;
  if (sameTarget) {
    const isShortAnonymous = sameTarget.anonymous && sameTarget.target && model.source.slice(sameTarget.range).replace(/^["']|["']$/g, '') === sameTarget.target.value;
    if (!isShortAnonymous || !sameTarget.target) return undefined;
    first = { range: sameTarget.target.range, newText: `${name}:${sameTarget.target.value}` };
  } else {
    first = serviceEdit(model, s, `${name}:${dataDir}`, eol);
  }
  const second = topLevelEdit(model, name, eol);
  if (!first || !second) return undefined;
  const same = first.range.start.line === second.range.start.line && first.range.start.character === second.range.start.character;
  const edits = same ? [{ range: first.range, newText: first.newText + second.newText }] : [first, second];
  return { title: `Mount a named volume "${name}" at ${dataDir}`, safety: 'safe', edits };
}
