import * as fs from 'fs';
import type { Severity } from '../engine/rule';
import { RANK, render } from './check';
import { repositoryRootOf } from './formats/paths';
import type { CheckOutput } from './formats/types';
import { SHARD_KEY, ShardPayload } from './scale';
import { UsageError } from './usage';

interface MergeOptions { inputs: string[]; failOn: Severity }

export function parseMergeArgs(args: string[]): MergeOptions {
  const opts: MergeOptions = { inputs: [], failOn: 'error' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--fail-on') {
      const v = inline ?? args[++i];
      if (v === undefined || !(v in RANK)) throw new UsageError(`unknown severity "${v ?? ''}" for --fail-on (use error, warning or info)`);
      opts.failOn = v as Severity;
    } else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.inputs.push(a);
  }
  if (!opts.inputs.length) throw new UsageError('merge needs the shard outputs (FILE...)');
  return opts;
}

/** One shard's output: JSON (`check --format json --shard i/n`) or SARIF, with the shard's payload. */
function readShard(file: string): { format: 'json' | 'sarif'; payload: ShardPayload } {
  let data: Record<string, unknown>;
  try { data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>; } catch (e) {
    throw new UsageError(`${file} is not a shard output (${(e as Error).message.split('\n')[0]})`);
  }
  const runs = (data as { runs?: { properties?: Record<string, unknown> }[] }).runs;
  const sarif = Array.isArray(runs);
  const payload = (sarif ? runs[0]?.properties?.[SHARD_KEY] : data[SHARD_KEY]) as ShardPayload | undefined;
  if (!payload || payload.format !== 1) throw new UsageError(`${file} has no shard data: write it with \`seaworthy check --shard i/n --format json|sarif\``);
  if (sarif && !payload.results && payload.output.scanned.length) throw new UsageError(`${file} lacks the analyses SARIF needs`);
  return { format: sarif ? 'sarif' : 'json', payload };
}

/**
 * `seaworthy merge`: the outputs of `check --shard 1/n … n/n` as one report, identical to the output of
 * the unsharded run (same findings in the same order, same score: the report is built again from every
 * shard's analyses, so cross-file links and the number of units are those of the whole repository).
 */
export async function runMerge(opts: MergeOptions, out = process.stdout): Promise<number> {
  const shards = opts.inputs.map(readShard);
  const formats = new Set(shards.map((s) => s.format));
  if (formats.size > 1) throw new UsageError('the shard outputs mix JSON and SARIF; merge outputs of one format');
  const first = shards[0].payload;
  const total = first.total;
  const seen = new Set<number>();
  for (const { payload: p } of shards) {
    if (p.total !== total || p.runFiles !== first.runFiles || JSON.stringify(p.roots) !== JSON.stringify(first.roots)) throw new UsageError('the shard outputs come from different runs (other paths, files or shard counts)');
    if (seen.has(p.index)) throw new UsageError(`shard ${p.index}/${total} is given twice`);
    seen.add(p.index);
  }
  const absent = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (absent.length) throw new UsageError(`shard${absent.length === 1 ? '' : 's'} ${absent.map((i) => `${i}/${total}`).join(', ')} missing: the merged report would leave files out`);
  const order = new Map(first.order.map((f, i) => [f, i]));
  const byFile = <T extends { file: string }>(xs: T[]) => xs.map((x, i) => ({ x, i })).sort((a, b) => (order.get(a.x.file) ?? -1) - (order.get(b.x.file) ?? -1) || a.i - b.i).map((e) => e.x);
  // Each file is in one shard: its items keep their order; files come in walk order.
  const output: CheckOutput = {
    findings: byFile(shards.flatMap((s) => s.payload.output.findings)),
    problems: [...first.output.problems.slice(0, first.walk), ...byFile(shards.flatMap((s) => s.payload.output.problems.slice(s.payload.walk)))],
    scanned: byFile(shards.flatMap((s) => s.payload.output.scanned)),
  };
  const format = [...formats][0];
  const results = format === 'sarif' ? shards.flatMap((s) => s.payload.results ?? []) : [];
  out.write(render({ format, paths: first.roots, failOn: opts.failOn }, output, results, repositoryRootOf()));
  const worst = [...output.findings, ...output.problems].some((f) => RANK[f.severity] >= RANK[opts.failOn]);
  return worst ? 1 : 0;
}
