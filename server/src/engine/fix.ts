import * as path from 'path';
import type { Fix, TextEdit } from './rule';
import { SourceText } from '../model/range';
import type { Position, Range } from '../model/range';

/** Concrete edits to one file: what an editor's WorkspaceEdit and `seaworthy fix` both apply. */
export interface FileChange { file: string; edits: { range: Range; newText: string }[]; create: boolean }

/**
 * Resolves a fix into per-file changes. Appends (`.env`, `.gitignore`) are computed against the file's
 * current content so that applying a fix twice adds nothing the second time.
 */
export function planFix(fix: Fix, docPath: string, readFile: (abs: string) => string | undefined): FileChange[] {
  const dir = path.dirname(docPath);
  const byFile = new Map<string, FileChange>();
  const changeFor = (file: string, create = false) => {
    let c = byFile.get(file);
    if (!c) { c = { file, edits: [], create }; byFile.set(file, c); }
    return c;
  };
  for (const e of fix.edits) changeFor(e.file ? path.resolve(dir, e.file) : docPath).edits.push({ range: e.range, newText: fix.snippet ? snippetDefaults(e.newText) : e.newText });
  for (const a of fix.appends ?? []) {
    const file = path.resolve(dir, a.file);
    const existing = readFile(file);
    const present = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()));
    const patterns = (a.unlessLineMatches ?? []).map((p) => new RegExp(p, 'm'));
    const toAdd = a.lines.filter((l, i) => !present.has(l.trim()) && !(patterns[i] && patterns[i].test(existing ?? '')));
    if (!toAdd.length) continue;
    if (existing === undefined) {
      changeFor(file, true).edits.push({ range: zero(), newText: toAdd.join('\n') + '\n' });
    } else {
      const end = new SourceText(existing).positionAt(existing.length);
      const sep = existing.length && !/[\r\n]$/.test(existing) ? '\n' : '';
      changeFor(file).edits.push({ range: { start: end, end }, newText: sep + toAdd.join('\n') + '\n' });
    }
  }
  return [...byFile.values()];
}

/**
 * Why a fix cannot be applied as it stands: one of its appends would keep an existing, different value
 * for the same key (the value the fix moves would then be lost). undefined when it can.
 */
export function appendConflict(fix: Fix, docPath: string, readFile: (abs: string) => string | undefined): string | undefined {
  const dir = path.dirname(docPath);
  for (const a of fix.appends ?? []) {
    if (!a.conflictsWith?.some(Boolean)) continue;
    const existing = readFile(path.resolve(dir, a.file));
    if (existing === undefined) continue;
    const lines = existing.split(/\r?\n/);
    const present = new Set(lines.map((l) => l.trim()));
    for (let i = 0; i < a.lines.length; i++) {
      const test = a.conflictsWith[i];
      if (!test || present.has(a.lines[i].trim())) continue;
      const re = new RegExp(test);
      const clash = lines.find((l) => re.test(l));
      if (clash !== undefined) return `${a.file} already defines ${clash.split(/[=:]/)[0].trim().replace(/^export\s+/, '')} with another value; reconcile it by hand`;
    }
  }
  return undefined;
}

/** Literal text inside a snippet: dollar, closing brace and backslash escaped. */
export function snippetEscape(text: string): string { return text.replace(/[$}\\]/g, (c) => `\\${c}`); }

/** A snippet's text with every placeholder at its default (`${1:VERSION}` → `VERSION`, `$0` → ``). */
export function snippetDefaults(snippet: string): string {
  let out = snippet;
  for (let prev = ''; prev !== out;) { prev = out; out = out.replace(/\$\{\d+:([^${}]*)\}/g, '$1'); }
  return out.replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}

function zero(): Range { return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }; }

/** One change per file: the edits of several fixes of a pass, computed against the same texts. */
export function mergeChanges(changes: FileChange[]): FileChange[] {
  const byFile = new Map<string, FileChange>();
  for (const c of changes) {
    const m = byFile.get(c.file);
    if (m) { m.edits.push(...c.edits); m.create ||= c.create; } else byFile.set(c.file, { ...c, edits: [...c.edits] });
  }
  return [...byFile.values()];
}

/**
 * Applies non-overlapping edits to a text, last first. Positions are read with SourceText, the same
 * line breaks (LF, CRLF, lone CR) the models and the editor count.
 */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const source = new SourceText(text);
  const off = (p: Position) => source.offsetAt(p);
  const sorted = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.e > lastStart) continue; // overlapping edit: keep the later one only, never corrupt text
    out = out.slice(0, e.s) + e.t + out.slice(e.e);
    lastStart = e.s;
  }
  return out;
}

export type { TextEdit };
