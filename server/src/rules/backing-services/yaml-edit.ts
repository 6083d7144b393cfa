/**
 * Text edits that add keys to a YAML block mapping, for the quick fixes of the backing-services and
 * observability rules (not a rule: index.ts lists the rules). Edits are computed from the mapping's
 * own entries and the file's own indentation; flow mappings, empty mappings and mappings that only
 * hold merge keys get no edit rather than a risky one.
 */
import type { TextEdit } from '../../engine/rule';
import type { SourceText } from '../../model/range';
import { rangeContains } from '../../model/range';
import { lineBreakOf } from '../../model/line-breaks';
import type { YEntry, YView } from '../../parse/yaml-view';

/** The line break edits insert: the file's own (model/line-breaks). */
export function eolOf(text: string): string { return lineBreakOf(text); }

/** Entries written inside the mapping itself (not pulled in by `<<:` merge keys from elsewhere). */
export function ownEntries(v: YView): YEntry[] {
  return v.entries().filter((e) => rangeContains(v.range, e.keyRange));
}

/** Offset of the end of the last non-blank line an entry occupies (before its line break). */
export function entryEnd(src: SourceText, e: YEntry): number {
  const end = src.positionAt(src.offsetAt(e.range.end));
  let line = end.character === 0 && end.line > e.keyRange.start.line ? end.line - 1 : end.line;
  while (line > e.keyRange.start.line && src.lineText(line).trim() === '') line--;
  return src.lineEnd(line);
}

/** Column of a mapping's keys, when every own key sits on its own line at that column (`- key:` list items included). */
export function keyColumn(src: SourceText, v: YView): number | undefined {
  if (!v.isMap || src.text[src.offsetAt(v.range.start)] === '{') return undefined;
  const own = ownEntries(v);
  if (!own.length) return undefined;
  const col = own[0].keyRange.start.character;
  for (const e of own) {
    if (e.keyRange.start.character !== col) return undefined;
    const before = src.lineText(e.keyRange.start.line).slice(0, col);
    if (!/^[ ]*(?:-[ ]+)*$/.test(before)) return undefined;
  }
  return col;
}

/**
 * Inserts lines (written relative to the mapping's key column, e.g. `restart: unless-stopped` or
 * `  tcpSocket:`) after the mapping's last own entry.
 */
export function appendToMap(src: SourceText, v: YView, lines: string[]): TextEdit | undefined {
  const col = keyColumn(src, v);
  if (col === undefined) return undefined;
  const own = ownEntries(v);
  const last = own.reduce((a, b) => (src.offsetAt(b.range.end) > src.offsetAt(a.range.end) ? b : a));
  const at = entryEnd(src, last);
  const eol = eolOf(src.text);
  const indent = ' '.repeat(col);
  const p = src.positionAt(at);
  return { range: { start: p, end: p }, newText: lines.map((l) => `${eol}${indent}${l}`).join('') };
}

/**
 * The indentation step a file uses for nested mappings: the children's column minus the key's of the
 * first key written alone on its line (`metadata:` / `  name: x`), 2 when none shows. For edits that
 * add nested blocks where the mapping itself shows no nesting to copy.
 */
export function fileStep(src: SourceText): number {
  const line = (i: number) => src.lineText(i);
  for (let i = 0; i < src.lineCount; i++) {
    const m = /^([ -]*?)[^\s#'"{[\]-][^:#]*:[ \t]*(?:#.*)?$/.exec(line(i));
    if (!m) continue;
    let j = i + 1;
    while (j < src.lineCount && /^\s*(?:#.*)?$/.test(line(j))) j++;
    const n = j < src.lineCount ? /^( *)(\S)/.exec(line(j)) : null;
    if (n && n[2] !== '-' && n[1].length > m[1].length) return n[1].length - m[1].length;
  }
  return 2;
}

/**
 * The indentation step inside a block mapping: the column of its nested block mappings' keys minus
 * its own key column, else the file's step (`fileStep`).
 */
export function nestedStep(src: SourceText, v: YView): number {
  const base = keyColumn(src, v);
  if (base !== undefined) {
    for (const e of ownEntries(v)) {
      const col = e.value.isMap ? keyColumn(src, e.value) : undefined;
      if (col !== undefined && col > base && e.keyRange.start.line !== e.value.range.start.line) return col - base;
    }
  }
  return fileStep(src);
}

/** The indentation step a file uses below a key (its children's column minus the key's), at least 2. */
export function stepBelow(src: SourceText, parentKeyCol: number, v: YView): number {
  const col = keyColumn(src, v);
  return col !== undefined && col > parentKeyCol ? col - parentKeyCol : 2;
}

/**
 * A plain (unquoted) scalar that reads back as the same string in any context, under YAML 1.1
 * (Kubernetes) and 1.2: not a boolean, number or null, no indicator or comment.
 */
export const plainScalarSafe = (t: string): boolean => t !== '' && !/^(?:[?:,[\]{}#&*!|>'"%@`\s]|-(?:\s|$))/.test(t) && !/[,[\]{}\n\r\t]|: | #|:$|\s$/.test(t)
  && !/^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?\.?[0-9][0-9a-fA-FxXoObB._:eE+-]*|[-+]?\.(?:inf|nan))$/i.test(t);

/** A scalar of a YAML file: plain when that is safe and `style` is plain, else JSON-quoted (valid YAML). */
export function yamlString(t: string, style: string): string {
  if (style === '\'' && !/[\n\r]/.test(t)) return `'${t.replace(/'/g, '\'\'')}'`;
  return style !== '"' && style !== '\'' && plainScalarSafe(t) ? t : JSON.stringify(t);
}
