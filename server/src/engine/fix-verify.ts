/**
 * What makes a fix unacceptable, judged by analysing the file again after applying it: the problem it
 * fixes is still reported, the file no longer parses, or a more serious problem appeared. And, before
 * applying, edits that would land in a YAML anchor other entries share through aliases.
 */
import { isAlias, isDocument, Node, visit } from 'yaml';
import { parseAllDocumentsBounded } from '../parse/yaml-depth';
import type { AnalysisResult, Finding } from './analyze';
import type { Severity } from './rule';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

const identity = (f: Finding) => `${f.ruleId}\u0000${f.message}`;

function counts(findings: Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(identity(f), (m.get(identity(f)) ?? 0) + 1);
  return m;
}

/**
 * Why the fixes of `fixed` must be rolled back (undefined: keep them). `before`/`after`: analyses of
 * the file before and after the edits; `syntaxBefore`/`syntaxAfter`: its syntax problems.
 */
export function rejection(before: AnalysisResult, after: AnalysisResult, fixed: Finding[], syntaxBefore: number, syntaxAfter: number): string | undefined {
  if (!after.model || syntaxAfter > syntaxBefore) return 'the edit would break the file\'s syntax (a bug in the rule\'s fix); nothing changed';
  const was = counts(before.findings);
  const now = counts(after.findings);
  const expected = new Map(was);
  for (const f of fixed) expected.set(identity(f), (expected.get(identity(f)) ?? 0) - 1);
  for (const f of fixed) {
    if ((now.get(identity(f)) ?? 0) > Math.max(0, expected.get(identity(f)) ?? 0)) return 'the problem is still reported after the edit (the fix does not fit this file); nothing changed';
  }
  const least = Math.min(...fixed.map((f) => RANK[f.severity]));
  const worse = after.findings.find((f) => RANK[f.severity] > least && (now.get(identity(f)) ?? 0) > (was.get(identity(f)) ?? 0));
  if (worse) return `the edit would cause a more serious problem (${worse.ruleId}); nothing changed`;
  return undefined;
}

let lastAnchors: { text: string; shared: [number, number, number][] } | undefined;

/**
 * Offsets of YAML nodes that carry an anchor some alias refers to: [start, end, column]. The last
 * text's answer is kept: a pass asks once per fix about the same text.
 */
function sharedAnchors(text: string): [number, number, number][] {
  if (!text.includes('&') || !text.includes('*')) return [];
  if (lastAnchors?.text !== text) lastAnchors = { text, shared: findSharedAnchors(text) };
  return lastAnchors.shared;
}

function findSharedAnchors(text: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const doc of parseAllDocumentsBounded(text, { uniqueKeys: false })) {
    if (!isDocument(doc)) continue;
    const anchored: Node[] = [];
    const aliased = new Set<string>();
    visit(doc, {
      Node(_, n) {
        if (isAlias(n)) aliased.add(n.source);
        else if (n.anchor && n.range) anchored.push(n);
      },
    });
    for (const n of anchored) {
      if (!aliased.has(n.anchor!)) continue;
      const [start, , end] = n.range!;
      out.push([start, end, start - (text.lastIndexOf('\n', start - 1) + 1)]);
    }
  }
  return out;
}

/**
 * Why edits must not be applied because they would write into a YAML anchor that aliases share (a
 * service `db-replica: *db` would get `db`'s new volume too, and two databases one data folder);
 * undefined when they touch no shared node. Deleting from a shared node is allowed: the setting a fix
 * removes (`privileged: true`) is the same problem in every place that shares it.
 */
export function sharedAnchorRefusal(text: string, edits: { start: number; end: number; newText: string }[]): string | undefined {
  if (edits.every((e) => e.newText.trim() === '')) return undefined;
  const shared = sharedAnchors(text);
  for (const e of edits) {
    if (e.newText.trim() === '') continue;
    const indent = /^[\r\n]*( *)/.exec(e.newText)![1].length;
    const hit = shared.some(([s, end, col]) => (e.start < end && Math.max(e.end, e.start + 1) > s) || (e.start === end && e.start === e.end && indent >= col));
    if (hit) return 'the edit would change a YAML anchor that other entries share through an alias; copy the shared definition (de-alias it) by hand first';
  }
  return undefined;
}
