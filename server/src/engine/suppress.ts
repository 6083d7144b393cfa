import type { Range } from '../model/range';
import type { Model, Rule } from './rule';
import type { Finding } from './analyze';

export interface Suppression {
  /** Rule ids it names (empty = every rule). */
  ruleIds: string[];
  reason?: string;
  scope: 'line' | 'file' | 'object';
  /** Range of the comment or annotation itself. */
  range: Range;
  /** Line it applies to (scope 'line'), or the object's range (scope 'object'). */
  line?: number;
  objectRange?: Range;
  by: 'seaworthy' | 'hadolint' | 'kube-linter';
  used: boolean;
}

const KEYWORD = 'seaworthy-ignore';

/** Reasons that say nothing: the quick fix's placeholder left as it was, or a note to self. */
const PLACEHOLDER_REASONS = new Set(['reason', 'todo', 'tbd', 'fixme', 'xxx', '...', '…', '-', '?', 'n/a', 'na', 'none', 'because']);

/**
 * The reason a suppression gives, or undefined when it gives none: empty, or a placeholder (`reason`,
 * `todo`, `tbd`, …, ignoring case, quotes and trailing punctuation). A suppression without a reason hides
 * the problem in the editor but is still scored in the report.
 */
export function meaningfulReason(reason: string | undefined): string | undefined {
  const r = reason?.trim();
  if (!r) return undefined;
  // Quotes, brackets and trailing punctuation around it do not make a reason (a loop: no backtracking).
  let bare = r.toLowerCase();
  while (bare && '"\'`<[('.includes(bare[0])) bare = bare.slice(1);
  while (bare && '"\'`>]).:!'.includes(bare[bare.length - 1])) bare = bare.slice(0, -1);
  bare = bare.trim();
  return PLACEHOLDER_REASONS.has(bare) || !bare ? undefined : r;
}
const HADOLINT_PREFIX = /^\s*#\s*hadolint\s+(global\s+)?ignore=/;

/** A `# seaworthy-ignore[-file] ids -- reason` comment in a line; offsets into the line. */
export interface IgnoreComment {
  /** Where the `#` is, and the end of the keyword (`seaworthy-ignore` or `seaworthy-ignore-file`). */
  hash: number;
  keywordEnd: number;
  /** The rule-id list (may be empty) and its bounds; `idsStart` is after the blanks that follow the keyword. */
  ids: string;
  idsStart: number;
  idsEnd: number;
  /** Where the blanks before ` -- reason` start (the line's end when there is no reason). */
  reasonStart: number;
  reason?: string;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isIdChar = (c: string) => /[A-Za-z0-9_,\- \t]/.test(c);

/**
 * Finds the first well-formed ignore comment of the kind asked for: `#`, blanks, the keyword, then
 * nothing, or blanks and rule ids (letters, digits, `_,-`, blanks), then optionally blanks, `--` and a
 * reason. Read by hand in one pass: the regular expression it replaces tried every split of a long
 * blank run between its optional parts (39 s for 4,000 blanks).
 */
export function findIgnoreComment(line: string, kind: 'line' | 'file'): IgnoreComment | undefined {
  for (let at = line.indexOf(KEYWORD); at >= 0; at = line.indexOf(KEYWORD, at + 1)) {
    let hash = at - 1;
    while (hash >= 0 && /\s/.test(line[hash])) hash--;
    if (hash < 0 || line[hash] !== '#') continue;
    let i = at + KEYWORD.length;
    const isFile = line.startsWith('-file', i);
    if (isFile !== (kind === 'file')) continue;
    if (isFile) i += '-file'.length;
    const parsed = readIds(line, i);
    if (parsed) return { hash, keywordEnd: i, ...parsed };
  }
  return undefined;
}

function readIds(line: string, afterKeyword: number): Omit<IgnoreComment, 'hash' | 'keywordEnd'> | undefined {
  const end = line.length;
  if (afterKeyword < end && !isBlank(line[afterKeyword])) return undefined;
  let idsStart = afterKeyword;
  while (isBlank(line[idsStart])) idsStart++;
  for (let i = idsStart; i < end; i++) {
    if (line[i] === '-' && line[i + 1] === '-' && (i === idsStart || isBlank(line[i - 1]))) {
      let idsEnd = i;
      while (idsEnd > idsStart && isBlank(line[idsEnd - 1])) idsEnd--;
      const reasonStart = idsEnd === idsStart ? afterKeyword : idsEnd;
      return { ids: line.slice(idsStart, idsEnd), idsStart, idsEnd, reasonStart, reason: line.slice(i + 2).trim() || undefined };
    }
    if (!isIdChar(line[i])) return undefined;
  }
  let idsEnd = end;
  while (idsEnd > idsStart && isBlank(line[idsEnd - 1])) idsEnd--;
  return { ids: line.slice(idsStart, idsEnd), idsStart, idsEnd, reasonStart: end };
}

/** `# hadolint ignore=DL3008,DL3015 # why`: the id list, or undefined when the line is not one. */
export function hadolintIgnore(line: string): { global: boolean; ids: string } | undefined {
  const prefix = HADOLINT_PREFIX.exec(line);
  if (!prefix) return undefined;
  const rest = line.slice(prefix[0].length);
  const hash = rest.indexOf('#');
  const list = hash < 0 ? rest : rest.slice(0, hash);
  // `ids # comment` needs a blank before the `#`; the list holds letters, digits, commas and blanks only.
  if (!/^[A-Za-z0-9,\s]*$/.test(list) || (hash >= 0 && !/\s$/.test(list)) || !list.trim()) return undefined;
  return { global: !!prefix[1], ids: list };
}

function ids(list: string | undefined): string[] {
  return (list ?? '').split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

/** Reads every suppression written in a file (comments and Kubernetes annotations). */
export function readSuppressions(model: Model, rules: readonly Rule[]): Suppression[] {
  const out: Suppression[] = [];
  const src = model.source;
  const nextCode = nextCodeLineFinder(src.lineCount, (l) => src.lineText(l));
  for (let line = 0; line < src.lineCount; line++) {
    const text = src.lineText(line);
    const hash = text.indexOf('#');
    if (hash < 0) continue;
    const full = text.slice(0, hash).trim() === '';
    const range: Range = { start: { line, character: hash }, end: { line, character: text.length } };
    const fileWide = findIgnoreComment(text, 'file');
    if (fileWide) { out.push({ ruleIds: ids(fileWide.ids), reason: fileWide.reason, scope: 'file', range, by: 'seaworthy', used: false }); continue; }
    const own = findIgnoreComment(text, 'line');
    if (own) {
      // A comment on its own line covers the next instruction/key; a trailing comment covers its own line.
      const target = full ? nextCode(line) : line;
      if (target !== undefined) out.push({ ruleIds: ids(own.ids), reason: own.reason, scope: 'line', line: target, range, by: 'seaworthy', used: false });
      continue;
    }
    const hadolint = full && model.kind === 'dockerfile' ? hadolintIgnore(text) : undefined;
    if (hadolint) {
      const mapped = rules.filter((r) => r.peers.hadolint?.some((h) => ids(hadolint.ids).includes(h))).map((r) => r.id);
      if (!mapped.length) continue;
      const target = hadolint.global ? undefined : nextCode(line);
      out.push({ ruleIds: mapped, scope: hadolint.global ? 'file' : 'line', line: target, range, by: 'hadolint', used: false });
    }
  }
  if (model.kind === 'kubernetes') {
    for (const obj of model.objects) {
      for (const [key, value] of obj.annotations) {
        const annotationRange = obj.raw.get('metadata')?.get('annotations')?.keyRange(key) ?? obj.kindRange;
        if (key === 'seaworthy.dev/ignore') {
          out.push({ ruleIds: ids(value), scope: 'object', objectRange: obj.range, range: annotationRange, by: 'seaworthy', used: false });
        } else if (key.startsWith('ignore-check.kube-linter.io/')) {
          const check = key.slice('ignore-check.kube-linter.io/'.length);
          const mapped = rules.filter((r) => r.peers.kubeLinter?.includes(check)).map((r) => r.id);
          if (mapped.length) out.push({ ruleIds: mapped, reason: value || undefined, scope: 'object', objectRange: obj.range, range: annotationRange, by: 'kube-linter', used: false });
        }
      }
    }
  }
  return out;
}

/** For Dockerfiles, a finding anywhere in a multi-line instruction belongs to the instruction's first line. */
function instructionStartLines(model: Model): Map<number, number> | undefined {
  if (model.kind !== 'dockerfile') return undefined;
  const map = new Map<number, number>();
  for (const ins of model.instructions) for (let l = ins.range.start.line; l <= ins.range.end.line; l++) map.set(l, ins.range.start.line);
  return map;
}

/**
 * The next line after `from` that is neither blank nor a comment. Calls come in line order, so one
 * forward scan serves them all (a file of 40,000 ignore comments read the rest of the file for each).
 */
function nextCodeLineFinder(count: number, lineText: (l: number) => string): (from: number) => number | undefined {
  let found = -1;
  return (from) => {
    if (found <= from) {
      found = from + 1;
      while (found < count && (lineText(found).trim() === '' || lineText(found).trim().startsWith('#'))) found++;
    }
    return found < count ? found : undefined;
  };
}

function inRange(line: number, character: number, r: Range): boolean {
  if (line < r.start.line || line > r.end.line) return false;
  if (line === r.start.line && character < r.start.character) return false;
  if (line === r.end.line && character > r.end.character) return false;
  return true;
}

export function applySuppressions(model: Model, findings: Finding[], rules: readonly Rule[]): { kept: Finding[]; suppressed: Finding[]; unused: Suppression[] } {
  const sups = readSuppressions(model, rules);
  if (!sups.length) return { kept: findings, suppressed: [], unused: [] };
  const starts = instructionStartLines(model);
  // Line suppressions indexed by line: a file with thousands of ignore comments and findings is not a product of the two.
  const order = new Map(sups.map((s, i) => [s, i]));
  const byLine = new Map<number, Suppression[]>();
  for (const s of sups) if (s.scope === 'line' && s.line !== undefined) { const l = byLine.get(s.line); if (l) l.push(s); else byLine.set(s.line, [s]); }
  const wide = sups.filter((s) => s.scope !== 'line');
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const anchor = starts?.get(f.range.start.line) ?? f.range.start.line;
    const candidates = [...wide, ...(byLine.get(anchor) ?? []), ...(anchor !== f.range.start.line ? byLine.get(f.range.start.line) ?? [] : [])]
      .sort((a, b) => order.get(a)! - order.get(b)!);
    const hit = candidates.find((s) => (s.ruleIds.length === 0 || s.ruleIds.includes(f.ruleId)) && (
      s.scope === 'file' ||
      (s.scope === 'line' && (s.line === anchor || s.line === f.range.start.line)) ||
      (s.scope === 'object' && s.objectRange && inRange(f.range.start.line, f.range.start.character, s.objectRange))));
    if (hit) { hit.used = true; suppressed.push({ ...f, suppressed: { reason: hit.reason, by: hit.by } }); }
    else kept.push(f);
  }
  return { kept, suppressed, unused: sups.filter((s) => !s.used && s.by === 'seaworthy') };
}
