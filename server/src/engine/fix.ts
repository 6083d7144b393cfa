import * as path from 'path';
import type { Fix, TextEdit } from './rule';
import { SourceText } from '../model/range';
import type { Range } from '../model/range';
import { dotEnvStatus, isEnvFile, parseDotEnvLine } from './dotenv';
import { lineBreakOf, splitLines } from '../model/line-breaks';

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
    const text = existing ?? '';
    const lines = splitLines(text);
    const present = new Set(lines.map((l) => l.trim()));
    // Line by line: on the whole text with the `m` flag, a rule's `^\s+NAME` crossed blank lines from each one (quadratic).
    const patterns = (a.unlessLineMatches ?? []).map((p) => new RegExp(p));
    const env = isEnvFile(file);
    const toAdd = a.lines.filter((l, i) => {
      if (present.has(l.trim())) return false;
      // A .env key already there is reused (same value) or a conflict appendConflict reports: never added twice.
      if (env && parseDotEnvLine(l)) return dotEnvStatus(text, l).status === 'absent';
      return !(patterns[i] && lines.some((line) => patterns[i].test(line)));
    });
    if (!toAdd.length) continue;
    // Appended lines use the file's own line breaks, so a CRLF or CR-only file stays one convention.
    const eol = lineBreakOf(text);
    if (existing === undefined) {
      changeFor(file, true).edits.push({ range: zero(), newText: toAdd.join(eol) + eol });
    } else {
      const end = new SourceText(existing).positionAt(existing.length);
      const sep = existing.length && !/[\r\n]$/.test(existing) ? eol : '';
      changeFor(file).edits.push({ range: { start: end, end }, newText: sep + toAdd.join(eol) + eol });
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
    const file = path.resolve(dir, a.file);
    const existing = readFile(file);
    if (existing === undefined) continue;
    if (isEnvFile(file)) {
      for (const l of a.lines) {
        const s = dotEnvStatus(existing, l);
        if (s.status === 'conflict') return `${a.file} already defines ${s.key} with another value; reconcile it by hand`;
      }
      continue;
    }
    if (!a.conflictsWith?.some(Boolean)) continue;
    const lines = splitLines(existing);
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

/** Edits as text offsets (from line/character, as applyEdits reads them). */
export function editOffsets(text: string, edits: { range: Range; newText: string }[]): { start: number; end: number; newText: string }[] {
  // The same line breaks (LF, CRLF, lone CR) the models and the editor count.
  const source = new SourceText(text);
  return edits.map((e) => ({ start: source.offsetAt(e.range.start), end: source.offsetAt(e.range.end), newText: e.newText }));
}

/** Applies non-overlapping edits to a text (offsets from line/character), last first. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const sorted = editOffsets(text, edits).map((e) => ({ s: e.start, e: e.end, t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
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
