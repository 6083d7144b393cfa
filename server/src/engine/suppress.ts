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

const LINE_RE = /#\s*seaworthy-ignore(?!-file)(?:[ \t]+(?!--)([A-Za-z0-9_,\- \t]*?))?(?:[ \t]+--[ \t]*(.*))?[ \t]*$/;
const FILE_RE = /#\s*seaworthy-ignore-file(?:[ \t]+(?!--)([A-Za-z0-9_,\- \t]*?))?(?:[ \t]+--[ \t]*(.*))?[ \t]*$/;
const HADOLINT_RE = /^\s*#\s*hadolint\s+(global\s+)?ignore=([A-Za-z0-9,\s]+?)(?:\s+#.*)?\s*$/;

function ids(list: string | undefined): string[] {
  return (list ?? '').split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

/** Reads every suppression written in a file (comments and Kubernetes annotations). */
export function readSuppressions(model: Model, rules: readonly Rule[]): Suppression[] {
  const out: Suppression[] = [];
  const src = model.source;
  const lineOfInstruction = instructionStartLines(model);
  for (let line = 0; line < src.lineCount; line++) {
    const text = src.lineText(line);
    const hash = text.indexOf('#');
    if (hash < 0) continue;
    const full = text.slice(0, hash).trim() === '';
    const range: Range = { start: { line, character: hash }, end: { line, character: text.length } };
    let m = FILE_RE.exec(text);
    if (m) { out.push({ ruleIds: ids(m[1]), reason: m[2]?.trim() || undefined, scope: 'file', range, by: 'seaworthy', used: false }); continue; }
    m = LINE_RE.exec(text);
    if (m) {
      // A comment on its own line covers the next instruction/key; a trailing comment covers its own line.
      const target = full ? nextCodeLine(src.lineCount, (l) => src.lineText(l), line, lineOfInstruction) : line;
      if (target !== undefined) out.push({ ruleIds: ids(m[1]), reason: m[2]?.trim() || undefined, scope: 'line', line: target, range, by: 'seaworthy', used: false });
      continue;
    }
    m = full && model.kind === 'dockerfile' ? HADOLINT_RE.exec(text) : null;
    if (m) {
      const mapped = rules.filter((r) => r.peers.hadolint?.some((h) => ids(m![2]).includes(h))).map((r) => r.id);
      if (!mapped.length) continue;
      const target = m[1] ? undefined : nextCodeLine(src.lineCount, (l) => src.lineText(l), line, lineOfInstruction);
      out.push({ ruleIds: mapped, scope: m[1] ? 'file' : 'line', line: target, range, by: 'hadolint', used: false });
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

function nextCodeLine(count: number, lineText: (l: number) => string, from: number, _starts?: Map<number, number>): number | undefined {
  for (let l = from + 1; l < count; l++) {
    const t = lineText(l).trim();
    if (t === '' || t.startsWith('#')) continue;
    return l;
  }
  return undefined;
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
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const anchor = starts?.get(f.range.start.line) ?? f.range.start.line;
    const hit = sups.find((s) => (s.ruleIds.length === 0 || s.ruleIds.includes(f.ruleId)) && (
      s.scope === 'file' ||
      (s.scope === 'line' && (s.line === anchor || s.line === f.range.start.line)) ||
      (s.scope === 'object' && s.objectRange && inRange(f.range.start.line, f.range.start.character, s.objectRange))));
    if (hit) { hit.used = true; suppressed.push({ ...f, suppressed: { reason: hit.reason, by: hit.by } }); }
    else kept.push(f);
  }
  return { kept, suppressed, unused: sups.filter((s) => !s.used && s.by === 'seaworthy') };
}
