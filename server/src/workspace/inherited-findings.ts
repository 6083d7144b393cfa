/**
 * One finding per problem written once: a value under a YAML anchor (`x-defaults: &defaults`) that
 * many services take in (`<<: *defaults`, `*defaults`) makes each service's rule report the same range.
 * Those reports become one, at the anchor, whose related information names every service that
 * inherits it.
 */
import type { ComposeModel } from '../model/compose';
import type { Range } from '../model/range';
import { rangeContains } from '../model/range';

interface Placed { ruleId: string; message: string; range: Range; related?: { message: string; range: Range; file?: string }[] }

const QUOTED = /"([^"]+)"/g;

export function reportInheritedOnce<T extends Placed>(findings: T[], model: ComposeModel): T[] {
  if (findings.length < 2) return findings;
  const services = new Map(model.services.map((s) => [s.name, s] as const));
  const key = (f: T) => `${f.ruleId}\u0000${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}\u0000${f.message.replace(QUOTED, (m, n: string) => (services.has(n) ? '"\u0001"' : m))}`;
  const groups = new Map<string, T[]>();
  for (const f of findings) { const k = key(f); (groups.get(k) ?? groups.set(k, []).get(k)!).push(f); }
  const named = (g: T) => [...g.message.matchAll(QUOTED)].map((m) => services.get(m[1])).find((s) => s !== undefined);
  const out: T[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) { out.push(group[0]); continue; }
    // The service whose own text holds the range speaks for the group (the anchor's owner), else the first.
    const owner = group.find((g) => { const s = named(g); return s !== undefined && rangeContains(s.range, g.range); }) ?? group[0];
    const heirs = group.filter((g) => g !== owner).map(named).filter((s) => s !== undefined);
    const related = heirs.map((s) => ({ message: `Service "${s.name}" inherits this value too (YAML anchor or merge key)`, range: s.keyRange }));
    owner.related = [...(owner.related ?? []), ...related];
    out.push(owner);
  }
  return out;
}
