import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments } from 'yaml';
import { analyzeText } from '../server/src/engine/analyze';
import { defaultConfig } from '../server/src/engine/config';
import * as gen from './generate';
import { median, table, timeIt } from './stats';

interface Case { kind: string; size: number; unit: string; path: string; text: string; parse: (t: string) => unknown }

/** Analysis after a one-character edit against parsing alone with the same parser: the floor no analyser can beat. */
export async function perEdit(quick: boolean): Promise<{ text: string; rows: Record<string, number | string>[] }> {
  const iterations = quick ? 1 : 5;
  const sizes = quick
    ? { dockerfile: [100], compose: [50], kubernetes: [10] }
    : { dockerfile: [100, 1000, 5000], compose: [50, 500], kubernetes: [10, 200, 1000] };
  const cases: Case[] = [
    ...sizes.dockerfile.map((n) => ({ kind: 'Dockerfile', size: n, unit: 'lines', path: '/bench/Dockerfile', text: gen.dockerfile(n), parse: (t: string) => DockerfileParser.parse(t) })),
    ...sizes.compose.map((n) => ({ kind: 'Compose', size: n, unit: 'services', path: '/bench/compose.yaml', text: gen.compose(n), parse: (t: string) => parseAllDocuments(t) })),
    ...sizes.kubernetes.map((n) => ({ kind: 'Kubernetes', size: n, unit: 'documents', path: '/bench/k8s.yaml', text: gen.kubernetes(n), parse: (t: string) => parseAllDocuments(t) })),
  ];
  const config = defaultConfig();
  const host = { fileExists: () => false };
  const rows: Record<string, number | string>[] = [];
  for (const c of cases) {
    const edited = gen.oneCharEdit(c.text);
    // Warm both paths so the JIT does not favour whichever runs second.
    c.parse(edited); await analyzeText(c.path, edited, config, host);
    const parse: number[] = [];
    const analyse: number[] = [];
    // Interleave so machine load hits both sides alike.
    for (let i = 0; i < iterations; i++) {
      parse.push(...(await timeIt(() => c.parse(edited), 1)));
      analyse.push(...(await timeIt(() => analyzeText(c.path, edited, config, host), 1)));
    }
    rows.push({ kind: c.kind, size: `${c.size} ${c.unit}`, lines: edited.split('\n').length, parseMs: median(parse), analyseMs: median(analyse), ratio: median(analyse) / median(parse) });
  }
  // Growth: time per line between consecutive sizes of a kind (≈1 means linear).
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].kind !== rows[i - 1].kind) continue;
    const perLine = (r: Record<string, number | string>) => (r.analyseMs as number) / (r.lines as number);
    rows[i].growth = perLine(rows[i]) / perLine(rows[i - 1]);
  }
  const text = table(['kind', 'size', 'lines', 'parse-only ms (median)', 'analysis ms (median)', 'analysis / parse', 'per-line cost vs previous size'],
    rows.map((r) => [r.kind, r.size, r.lines, r.parseMs, r.analyseMs, `${(r.ratio as number).toFixed(2)}×`, r.growth === undefined ? '—' : `${(r.growth as number).toFixed(2)}×`]));
  return { text, rows };
}
