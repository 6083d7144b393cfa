import type * as DockerfileAst from 'dockerfile-ast';
import type * as Yaml from 'yaml';
import { analyzeText } from '../server/src/engine/analyze';
import { defaultConfig } from '../server/src/engine/config';
import * as gen from './generate';
import { median, table, timeIt } from './stats';

/**
 * The baseline parsers are separate instances of the parser modules, loaded apart from the analyser's:
 * the analyser memoises inside dockerfile-ast while it builds a model, and the JIT's feedback from that
 * use made the shared library's bare parse ~20% slower, which flattered the ratio.
 */
function isolated<T>(id: string, deps: string[] = []): T {
  const mine = (k: string) => [id, ...deps].some((d) => k.includes(`${'/node_modules/'}${d}/`));
  const saved = Object.keys(require.cache).filter(mine).map((k) => [k, require.cache[k]] as const);
  for (const [k] of saved) delete require.cache[k];
  try { return require(id) as T; } finally {
    for (const k of Object.keys(require.cache).filter(mine)) delete require.cache[k];
    for (const [k, m] of saved) require.cache[k] = m;
  }
}
const { DockerfileParser } = isolated<typeof DockerfileAst>('dockerfile-ast', ['vscode-languageserver-types', 'vscode-languageserver-textdocument']);
const { parseAllDocuments } = isolated<typeof Yaml>('yaml');

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
    // Warm both paths as a running server is warm (it has analysed the workspace with the same rules
    // before the user types; the JIT must not favour whichever runs second): at least three rounds and
    // ~1 s, at most 200 rounds. Small files then get more measured rounds, up to ~1.5 s per case.
    const warmStart = performance.now();
    let warmRounds = 0;
    while (warmRounds < (quick ? 1 : 200) && (warmRounds < 3 || performance.now() - warmStart < 1000)) { c.parse(edited); await analyzeText(c.path, edited, config, host); warmRounds++; }
    const perRound = (performance.now() - warmStart) / warmRounds;
    const rounds = quick ? iterations : Math.max(iterations, Math.min(40, Math.floor(1500 / Math.max(1, perRound))));
    const parse: number[] = [];
    const analyse: number[] = [];
    // Interleave so machine load hits both sides alike.
    for (let i = 0; i < rounds; i++) {
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
