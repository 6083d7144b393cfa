/**
 * `npm run fuzz -- [--cases N] [--seed S] [--start I] [--jobs J] [--fix [--rules strict]] [--out DIR] [--hang-ms MS]`: a long fuzz
 * campaign over the repository's fixtures, printing cases, crashes, hangs and peak memory; every failing case
 * is written to DIR (default fuzz-failures/) with its seed and index.
 * `--replay S:I [--fix]` runs one case in this process and prints its failures with their stacks;
 * `--print S:I` writes the case's text to standard output; `--minimise S:I [--fix]` shrinks a failing case and
 * prints the reproducer as a JSON string.
 * Options also arrive as npm config (`npm run fuzz --cases 1000` sets npm_config_cases).
 */
import * as os from 'os';
import * as path from 'path';
import { FuzzCase, makeCase, repoRoot } from './cases';
import type { RuleSet } from '../../server/src/engine/rule';
import { CampaignSummary, runCampaign } from './campaign';
import { runCase } from './worker';
import { checkAnalysis } from './check-analysis';
import { minimise } from './minimise';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : process.env[`npm_config_${name.replace(/-/g, '_')}`];
}
const flag = (args: string[], name: string) => args.includes(`--${name}`) || process.env[`npm_config_${name}`] === 'true';

function caseRef(ref: string): { seed: number; index: number } {
  const m = /^(\d+):(\d+)$/.exec(ref);
  if (!m) throw new Error(`expected SEED:INDEX, got "${ref}"`);
  return { seed: Number(m[1]), index: Number(m[2]) };
}

export function formatSummary(s: CampaignSummary): string {
  const lines = [
    `${s.mode} fuzz, seed ${s.seed}, from case ${s.start}: ${s.done} cases, ${s.crashes} crashes, ${s.hangs} hangs (> limit), ${s.corruptions} corruptions; peak RSS ${Math.round(s.peakRssMb)} MB; wall ${(s.wallMs / 1000).toFixed(1)} s`,
    `slowest: ${s.slowest.map((x) => `#${x.index} ${(x.ms / 1000).toFixed(2)} s`).join(', ')}`,
  ];
  for (const d of s.distinct) lines.push(`  ${d.count} × ${d.signature}\n      first: ${d.first.seed}:${d.first.index} ${d.first.source} [${d.first.mutations.join(', ')}]`);
  return lines.join('\n');
}

async function main(args: string[]): Promise<number> {
  const fix = flag(args, 'fix');
  const rules = option(args, 'rules');
  if (rules !== undefined && rules !== 'recommended' && rules !== 'strict') throw new Error(`--rules takes recommended or strict, not "${rules}"`);
  const ruleSet = rules as RuleSet | undefined;
  const replay = option(args, 'replay');
  if (replay) {
    const { seed, index } = caseRef(replay);
    const c = makeCase(seed, index);
    console.log(`case ${seed}:${index}: ${c.source} [${c.mutations.join(', ')}], ${c.text.length} characters`);
    const failures = await runCase({ mode: fix ? 'fix' : 'analysis', seed, index, ruleSet });
    for (const f of failures) console.log(`${f.type}: ${f.message}\n${f.stack ?? ''}`);
    if (!failures.length) console.log('no failure');
    return failures.length ? 1 : 0;
  }
  const shrink = option(args, 'minimise');
  if (shrink) {
    const { seed, index } = caseRef(shrink);
    const mode = fix ? 'fix' : 'analysis';
    const check = mode === 'fix' ? (c: FuzzCase) => (require('./check-fix') as typeof import('./check-fix')).checkFix(c, ruleSet) : checkAnalysis;
    const c = makeCase(seed, index);
    const [target] = await check(c);
    if (!target) { console.log('the case does not fail'); return 1; }
    const text = await minimise(c, target, check, (s) => process.stderr.write(`  ${s}\n`));
    const [again] = await check({ ...c, text });
    console.log(`${c.source} (${mode}): ${JSON.stringify(text)}\n${again.type}: ${again.message}\n${again.stack ?? ''}`);
    return 0;
  }
  const print = option(args, 'print');
  if (print) { const { seed, index } = caseRef(print); process.stdout.write(makeCase(seed, index).text); return 0; }

  const seed = Number(option(args, 'seed') ?? 1);
  const cases = Number(option(args, 'cases') ?? (fix ? 2000 : 10000));
  const out = path.resolve(option(args, 'out') ?? path.join(repoRoot, 'fuzz-failures'));
  const summary = await runCampaign({
    mode: fix ? 'fix' : 'analysis', ruleSet, seed, cases, start: Number(option(args, 'start') ?? 0),
    jobs: Number(option(args, 'jobs') ?? Math.max(1, os.availableParallelism() - 1)),
    hangMs: Number(option(args, 'hang-ms') ?? 10000),
    failuresDir: out,
    onProgress: (s) => process.stderr.write(`  ${s.done}/${s.cases} cases, ${s.crashes} crashes, ${s.hangs} hangs, ${s.corruptions} corruptions, peak RSS ${Math.round(s.peakRssMb)} MB, ${(s.wallMs / 1000).toFixed(0)} s\n`),
  });
  console.log(formatSummary(summary));
  if (summary.failed.length) console.log(`failing cases written to ${out}`);
  return summary.failed.length ? 1 : 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 2; });
