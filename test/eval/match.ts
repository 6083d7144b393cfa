/**
 * Matching our findings to KICS's expected (file, line) entries.
 *
 * KICS and Seaworthy anchor findings differently (KICS: the `hostPath.path` line, we: maybe the
 * volume or the mount; KICS: the FROM line for a missing HEALTHCHECK, we: maybe CMD). So a finding
 * matches an expected entry when it lies in the same enclosing block (one block contains the other's
 * line), where the block of a line is its Dockerfile instruction (the whole stage for a FROM line:
 * KICS anchors "missing" findings there), its Compose service, or its Kubernetes container (else its
 * whole document). Only where a line has no block (top-level Compose keys, comments) does a plain
 * distance of LINE_TOLERANCE lines decide. Line distance alone is not used elsewhere: in a Dockerfile
 * it would pair a finding with the neighbouring instruction, in YAML with the neighbouring service.
 * Closest pairs are matched first; each expected entry and each finding is used at most once.
 */
import type { Model } from '../../server/src/engine/rule';
import type { Range } from '../../server/src/model/range';

export const LINE_TOLERANCE = 3;

/** Zero-based inclusive line span. */
export interface Span { start: number; end: number }

function span(r: Range): Span {
  // A YAML node's range often ends at column 0 of the next line.
  const end = r.end.line > r.start.line && r.end.character === 0 ? r.end.line - 1 : r.end.line;
  return { start: r.start.line, end };
}

const inside = (line: number, s: Span) => line >= s.start && line <= s.end;
const smallest = (spans: Span[]) => spans.sort((a, b) => (a.end - a.start) - (b.end - b.start))[0];

/** Returns the enclosing block of a zero-based line, per the rules above. */
export function blockFinder(model: Model | undefined): (line: number) => Span | undefined {
  if (!model) return () => undefined;
  if (model.kind === 'dockerfile') {
    const stages = model.stages.map((st) => {
      const last = st.instructions[st.instructions.length - 1] ?? st.from;
      return { from: st.from.range.start.line, span: { start: st.from.range.start.line, end: span(last.range).end } };
    });
    const instructions = model.instructions.map((i) => ({ keyword: i.keyword, span: span(i.range) }));
    return (line) => {
      const ins = instructions.find((i) => inside(line, i.span));
      if (!ins) return undefined;
      if (ins.keyword === 'FROM') return stages.find((s) => s.from === ins.span.start)?.span ?? ins.span;
      return ins.span;
    };
  }
  if (model.kind === 'compose') {
    const services = model.services.map((s) => ({ start: s.keyRange.start.line, end: span(s.range).end }));
    return (line) => smallest(services.filter((s) => inside(line, s)));
  }
  if (model.kind === 'env') return () => undefined;
  const containers: Span[] = [];
  const docs: Span[] = [];
  for (const o of model.objects) {
    docs.push(span(o.range));
    const pod = o.workload?.podSpec;
    if (pod) for (const c of [...pod.initContainers, ...pod.containers]) containers.push(span(c.range));
  }
  return (line) => smallest(containers.filter((c) => inside(line, c))) ?? smallest(docs.filter((d) => inside(line, d)));
}

export interface MatchResult {
  matched: number;
  /** Zero-based lines of expected entries nobody matched. */
  missed: number[];
  /** Indexes of findings that matched nothing. */
  extra: number[];
}

/** Matches zero-based finding lines to zero-based expected lines of one file. */
export function matchLines(expected: number[], findings: number[], blockOf: (line: number) => Span | undefined): MatchResult {
  const usedE = new Set<number>();
  const usedF = new Set<number>();
  const pairs: [number, number, number][] = [];
  expected.forEach((e, i) => findings.forEach((f, j) => {
    const be = blockOf(e), bf = blockOf(f);
    const ok = be === undefined || bf === undefined ? Math.abs(e - f) <= LINE_TOLERANCE : inside(f, be) || inside(e, bf);
    if (ok) pairs.push([Math.abs(e - f), i, j]);
  }));
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, i, j] of pairs) {
    if (usedE.has(i) || usedF.has(j)) continue;
    usedE.add(i); usedF.add(j);
  }
  return {
    matched: usedE.size,
    missed: expected.filter((_, i) => !usedE.has(i)),
    extra: findings.map((_, j) => j).filter((j) => !usedF.has(j)),
  };
}
