/**
 * Helpers shared by the host-daemon rules (not a rule: index.ts lists the rules).
 */
import type { Fix, TextEdit } from '../../engine/rule';
import type { ImageRef, Located } from '../../model/common';
import type { DockerfileModel, Instruction } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { ComposeMount } from '../../model/compose';
import { Range, rangeContains, SourceText } from '../../model/range';
import { isDynamicText } from '../../knowledge/interpolation';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';
import type { YEntry, YView } from '../../parse/yaml-view';
import { checkpoint } from '../../engine/budget';
import { lineBreakOf } from '../../model/line-breaks';

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** A `key: true` entry of a mapping (`yes`/`on` too); templated or variable values never count. */
export function trueEntry(view: YView | undefined, key: string): YEntry | undefined {
  const e = view?.entry(key);
  return e && e.value.bool()?.value === true ? e : undefined;
}

/**
 * Deletes the whole line of a one-line `key: value` entry, newline included. When the entry opens a
 * `- key: value` list item and `parent` (its mapping) has a next key on the following lines, the entry
 * is cut up to that key, which then opens the item. Returns undefined when the entry shares its line
 * with other YAML (flow maps) because removing the line would then break the document.
 */
export function deleteLineFix(source: SourceText, entry: YEntry, title: string, parent?: YView): Fix | undefined {
  const { start, end } = entry.range;
  if (start.line !== end.line) return undefined;
  const line = source.lineText(start.line);
  const after = line.slice(end.character).trim();
  if (after !== '' && !after.startsWith('#')) return undefined;
  if (line.slice(0, start.character).trim() !== '') {
    if (!/^[ ]*-[ ]+$/.test(line.slice(0, start.character)) || !parent || after !== '') return undefined;
    const own = parent.entries().filter((e) => rangeContains(parent.range, e.keyRange));
    const next = own[own.indexOf(entry) + 1];
    if (own[0]?.key !== entry.key || !next || next.keyRange.start.line !== start.line + 1) return undefined;
    const nextLine = source.lineText(next.keyRange.start.line);
    if (nextLine.slice(0, next.keyRange.start.character).trim() !== '' || next.keyRange.start.character !== start.character) return undefined;
    return { title, safety: 'unsafe', edits: [{ range: { start, end: next.keyRange.start }, newText: '' }] };
  }
  const from = source.lineStart(start.line);
  const to = start.line + 1 < source.lineCount ? source.lineStart(start.line + 1) : source.text.length;
  return { title, safety: 'unsafe', edits: [{ range: source.range(from, to), newText: '' }] };
}

/** Sets a `key: true` entry to false (policies whose schema requires the key). */
export function setFalseFix(entry: YEntry, title: string): Fix | undefined {
  if (!entry.value.isScalar) return undefined;
  return { title, safety: 'unsafe', edits: [{ range: entry.value.range, newText: 'false' }] };
}

export interface ContainerView {
  name: string;
  nameRange: Range;
  init: boolean;
  /** The image the container runs (dynamic when a DeploymentConfig trigger sets it). */
  image?: ImageRef;
  raw: YView;
}

export interface PodView {
  obj: KubeObject;
  spec: YView;
  containers: ContainerView[];
}

/** Pod templates of the file's objects (the model's `workload`: every kind, with its facts), as raw views. */
export function podsOf(model: KubernetesModel): PodView[] {
  const out: PodView[] = [];
  for (const obj of model.objects) {
    checkpoint();
    const w = obj.workload;
    const spec = w?.podSpec.raw;
    if (!w || !spec) continue;
    const typed = new Map([...w.podSpec.initContainers, ...w.podSpec.containers].map((c) => [rangeKey(c.range), c]));
    const containers: ContainerView[] = [];
    for (const [key, init] of [['initContainers', true], ['containers', false]] as const) {
      for (const c of spec.get(key)?.items() ?? []) {
        if (!c.isMap) continue;
        const n = c.get('name')?.str();
        containers.push({ name: n?.value ?? '', nameRange: n?.range ?? c.range, init, image: typed.get(rangeKey(c.range))?.image, raw: c });
      }
    }
    out.push({ obj, spec, containers });
  }
  return out;
}

/**
 * A fragment, not a deployable pod: a container names no image (a Kustomize strategic-merge patch such as
 * `manager_image_pull_secret.yaml`, an overlay). Rules about what a pod lacks do not judge it; what it sets still counts.
 */
export function isPartialPodSpec(spec: YView | undefined): boolean {
  const containers = spec?.get('containers')?.items() ?? [];
  // The API rejects a container without an image: one such container makes the document a fragment.
  return containers.some((c) => c.isMap && !c.has('image'));
}

/** Scalars of a string or list-of-strings value (Kubernetes `command`/`args`). */
export function strings(v: YView | undefined): Located[] {
  if (!v) return [];
  const one = v.str();
  if (one) return [one];
  return v.items().map((i) => i.str()).filter((s): s is Located => !!s);
}


/** Shell commands of one scalar: exact offsets when its source text is its value, else the whole scalar. */
function commandsOfScalar(loc: Located, source: SourceText): ShellCommand[] {
  let start = source.offsetAt(loc.range.start);
  const q = source.text[start];
  if (q === '"' || q === '\'') start++;
  if (source.text.slice(start, start + loc.value.length) === loc.value) return parseShell(loc.value, start);
  const s = source.offsetAt(loc.range.start), e = source.offsetAt(loc.range.end);
  const cmds = parseShell(loc.value, 0);
  for (const c of cmds) {
    c.start = s; c.end = e;
    for (const w of c.words) { w.start = s; w.end = e; }
  }
  return cmds;
}

/**
 * What a container's `command` + `args` run: the script of `sh -c "..."`, or the argument vector as
 * one command.
 */
export function containerCommands(c: YView, source: SourceText): ShellCommand[] {
  checkpoint();
  const argv = [...strings(c.get('command')), ...strings(c.get('args'))];
  if (!argv.length) return [];
  const words = argv.map((w) => {
    let st = source.offsetAt(w.range.start);
    const q = source.text[st];
    if (q === '"' || q === '\'') st++;
    const exact = source.text.slice(st, st + w.value.length) === w.value;
    return { text: w.value, start: exact ? st : source.offsetAt(w.range.start), end: exact ? st + w.value.length : source.offsetAt(w.range.end), quoted: true };
  });
  const whole: ShellCommand = { words, redirects: [], start: words[0].start, end: words[words.length - 1].end, piped: false };
  const p = programOf(whole);
  if (p && SHELL_PROGRAMS.has(p.name) && argv[p.index + 1]?.value === '-c' && argv[p.index + 2]) {
    return commandsOfScalar(argv[p.index + 2], source);
  }
  return [whole];
}

/**
 * Exec-form (JSON) arguments read from the source: each string's range covers its quotes, and the
 * value is the decoded JSON string. Derived here rather than from `Located.value` so that quoting
 * and escapes are decoded exactly as Docker decodes them.
 */
export function execArgs(ins: Instruction, source: SourceText): Located[] | undefined {
  if (!ins.execForm) return undefined;
  return ins.execForm.map((w) => {
    const raw = source.slice(w.range);
    let value = raw;
    if (raw.startsWith('"')) { try { value = JSON.parse(raw) as string; } catch { value = raw.slice(1, -1); } }
    return { value, range: w.range, dynamic: w.dynamic };
  });
}

/** CMD and ENTRYPOINT the shipped image really runs (the last ones, inherited through FROM-stages). */
export function runtimeInstructions(model: DockerfileModel): Instruction[] {
  const final = finalStage(model);
  if (!final) return [];
  return ['ENTRYPOINT', 'CMD'].map((k) => effectiveInstruction(final, k)).filter((i): i is Instruction => !!i);
}

export function wordRange(source: SourceText, from: { start: number }, to: { end: number }): Range {
  return source.range(from.start, to.end);
}

export function isDynamic(text: string): boolean {
  return isDynamicText(text);
}

// ---------------------------------------------------------------- block-YAML line edits (shared with rules/state)

/**
 * The lines a block node or entry occupies, from the line of `start` to the last non-blank line
 * before `end` (the yaml library ends a block mapping at the start of the next line).
 */
export function lineSpan(source: SourceText, start: number, end: number): { first: number; last: number; endOnLast: number } {
  const s = source.positionAt(start), e = source.positionAt(end);
  let last = e.character === 0 && e.line > s.line ? e.line - 1 : e.line;
  while (last > s.line && source.lineText(last).trim() === '') last--;
  const endOnLast = last === e.line ? e.character : source.lineText(last).length;
  return { first: s.line, last, endOnLast };
}

/** Deletes lines first..last with their line breaks. */
export function deleteLines(source: SourceText, first: number, last: number): TextEdit {
  const from = source.lineStart(first);
  const to = last + 1 < source.lineCount ? source.lineStart(last + 1) : source.text.length;
  return { range: source.range(from, to), newText: '' };
}

/** Nothing but blanks or a comment on a line from a column on. */
function restIsEmpty(source: SourceText, line: number, from: number): boolean {
  const rest = source.lineText(line).slice(from).trim();
  return rest === '' || rest.startsWith('#');
}

/** The column of the `-` introducing a block-sequence item, when the item's line starts with `- ` and nothing else. */
export function dashColumn(source: SourceText, item: YView): number | undefined {
  const p = item.range.start;
  const m = /^([ ]*)-[ ]+$/.exec(source.lineText(p.line).slice(0, p.character));
  return m ? m[1].length : undefined;
}

/** Removes one item of a block sequence (its whole lines); undefined when it shares a line with other YAML. */
export function removeSeqItem(source: SourceText, item: YView): TextEdit | undefined {
  if (dashColumn(source, item) === undefined) return undefined;
  const { first, last, endOnLast } = lineSpan(source, source.offsetAt(item.range.start), source.offsetAt(item.range.end));
  return restIsEmpty(source, last, endOnLast) ? deleteLines(source, first, last) : undefined;
}

/** Removes a `key: value` entry (block value included, whole lines); undefined when the key does not start its line. */
export function removeEntry(source: SourceText, entry: YEntry): TextEdit | undefined {
  const k = entry.keyRange.start;
  if (source.lineText(k.line).slice(0, k.character).trim() !== '') return undefined;
  const { first, last, endOnLast } = lineSpan(source, source.offsetAt(entry.range.start), source.offsetAt(entry.range.end));
  return restIsEmpty(source, last, endOnLast) ? deleteLines(source, first, last) : undefined;
}

/**
 * Inserts an item after the last item of a block sequence, written at the column of its first item's
 * `-`. `lines[0]` follows `- `; further lines are relative to the item's content column.
 */
export function appendSeqItem(source: SourceText, seq: YView, lines: string[]): TextEdit | undefined {
  const items = seq.items();
  if (!seq.isSeq || !items.length || source.text[source.offsetAt(seq.range.start)] === '[') return undefined;
  const col = dashColumn(source, items[0]);
  const lastItem = items[items.length - 1];
  if (col === undefined || dashColumn(source, lastItem) !== col) return undefined;
  const { last, endOnLast } = lineSpan(source, source.offsetAt(lastItem.range.start), source.offsetAt(lastItem.range.end));
  if (!restIsEmpty(source, last, endOnLast)) return undefined;
  const eol = lineBreakOf(source.text);
  const pos = source.positionAt(source.lineEnd(last));
  const pad = ' '.repeat(col);
  const text = lines.map((l, i) => `${eol}${pad}${i === 0 ? '- ' : '  '}${l}`).join('');
  return { range: { start: pos, end: pos }, newText: text };
}

/**
 * Short-syntax `SOURCE:TARGET[:MODE]` re-split so that a colon inside `${VAR:-default}` does not end
 * the source (`${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock`).
 */
export function shortSyntax(m: ComposeMount, source: SourceText): { source?: Located; target?: Located } {
  const { start, end } = m.range;
  if (start.line !== end.line || !m.source?.value.includes('${')) return { source: m.source, target: m.target };
  let from = source.offsetAt(start), to = source.offsetAt(end);
  if (/^["']/.test(source.text[from])) { from++; to--; }
  const text = source.text.slice(from, to);
  const parts: Located[] = [];
  let depth = 0, s = 0;
  for (let i = 0; i <= text.length; i++) {
    if (text.startsWith('${', i)) depth++;
    else if (text[i] === '}' && depth) depth--;
    else if (i === text.length || (text[i] === ':' && !depth)) {
      const value = text.slice(s, i);
      parts.push({ value, range: source.range(from + s, from + i), dynamic: isDynamicText(value) });
      s = i + 1;
    }
  }
  return parts.length >= 2 ? { source: parts[0], target: parts[1] } : { source: m.source, target: m.target };
}

