/**
 * `npm run eval`: measures the rules against the shared corpus (see corpus/README.md).
 *
 *   node out/test/eval/run.js [--json FILE] [--list RULE]
 *
 * --list RULE   print every real-corpus finding of RULE (file:line message) for hand review, and nothing else
 * --json FILE   also write every number (and every finding) as JSON
 * SEAWORTHY_CORPUS overrides the corpus folder (default: ../shared/corpus beside the repository).
 *
 * Exit status: 2 when the corpus is missing, 1 when a rule threw or the analyser crashed, else 0.
 * Recall and false positives are reported, not enforced: rules are still being written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../server/src/rules';
import { corpusAbsence, corpusDir, readIndex } from './corpus';
import { heading, notes, pct, table } from './format';
import { KICS_MAP } from './kics-map';
import { LabeledReport, QueryResult, runLabeled } from './labeled';
import { LINE_TOLERANCE } from './match';
import { RealReport, runReal } from './real';

interface Args { json?: string; list?: string }

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--list') {
      const v = argv[++i];
      if (!v) { console.error(`${a} needs a value`); process.exit(2); }
      if (a === '--json') args.json = v; else args.list = v;
    } else { console.error(`unknown argument ${a}\nusage: run.js [--json FILE] [--list RULE]`); process.exit(2); }
  }
  return args;
}

type Sum = { queries: number; expected: number; matched: number; extra: number; negFiles: number; fpFiles: number; fpCount: number; catFpFiles: number; catFpCount: number };

function sum(qs: QueryResult[]): Sum {
  const s: Sum = { queries: 0, expected: 0, matched: 0, extra: 0, negFiles: 0, fpFiles: 0, fpCount: 0, catFpFiles: 0, catFpCount: 0 };
  for (const q of qs) {
    s.queries++; s.expected += q.expected; s.matched += q.matched; s.extra += q.extra; s.negFiles += q.negFiles;
    s.fpFiles += q.fpFiles; s.fpCount += q.fpCount; s.catFpFiles += q.catFpFiles; s.catFpCount += q.catFpCount;
  }
  return s;
}

const SUM_HEADER = ['queries', 'expected', 'matched', 'recall', 'extra', 'FP files/neg', 'FP', 'cat FP files', 'cat FP'];
const sumRow = (s: Sum) => [s.queries, s.expected, s.matched, pct(s.matched, s.expected), s.extra, `${s.fpFiles}/${s.negFiles}`, s.fpCount, s.catFpFiles, s.catFpCount];

function groupBy(qs: QueryResult[], key: (q: QueryResult) => string): [string, Sum][] {
  const m = new Map<string, QueryResult[]>();
  for (const q of qs) m.set(key(q), [...(m.get(key(q)) ?? []), q]);
  return [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => [k, sum(v)]);
}

function printLabeled(r: LabeledReport, recommended?: LabeledReport): void {
  console.log(heading('Labeled: KICS query tests'));
  console.log('A finding of a mapped rule matches an expected entry of the same file in the same enclosing block (Dockerfile');
  console.log(`instruction, or stage for a FROM line; Compose service; Kubernetes container, else document); ±${LINE_TOLERANCE} lines where a line has no block.`);
  console.log('FP = mapped-rule findings on negatives; cat FP = findings of any rule of the query\'s category on negatives.');
  console.log('Findings listed in REVIEWED (test/eval/kics-map.ts) are right but unlisted by KICS: they count as neither.\n');
  console.log(table(['query', 'category', 'rules', 'expected', 'matched', 'recall', 'extra', 'FP files/neg', 'FP', 'cat FP'],
    r.queries.map((q) => [q.key, q.category, q.rules.join(',') + (q.notImplemented.length ? ` (+${q.notImplemented.length} n/i)` : ''),
      q.expected, q.matched, pct(q.matched, q.expected), q.extra, `${q.fpFiles}/${q.negFiles}`, q.fpCount, q.catFpCount]), 3));

  console.log('\nBy category:');
  const byCat = groupBy(r.queries, (q) => q.category);
  console.log(table(['category', ...SUM_HEADER], byCat.map(([k, s]) => [k, ...sumRow(s)])));
  console.log('\nBy kind:');
  console.log(table(['kind', ...SUM_HEADER], groupBy(r.queries, (q) => q.kind).map(([k, s]) => [k, ...sumRow(s)])));
  console.log('\nBy corpus topic:');
  console.log(table(['topic', ...SUM_HEADER], groupBy(r.queries, (q) => q.topics.join('+') || '-').map(([k, s]) => [k, ...sumRow(s)])));
  console.log('');
  console.log(table(['', ...SUM_HEADER], [['TOTAL', ...sumRow(sum(r.queries))], ...(recommended ? [['recommended', ...sumRow(sum(recommended.queries))]] : [])]));
  const total = sum(r.queries);
  console.log(`TOTAL is measured with every rule (strict); the gate is recall >= 95 %: ${total.expected && total.matched / total.expected >= 0.95 ? 'MET' : 'NOT MET'} (${pct(total.matched, total.expected)}).`);
  if (recommended) console.log('recommended: the same queries with the default rule set (strict-only rules do not run).');

  console.log('\nTarget per category: recall >= 90% and no finding of the category on its queries\' negatives.');
  for (const [cat, s] of byCat) {
    const ok = s.expected > 0 && s.matched / s.expected >= 0.9 && s.catFpCount === 0;
    console.log(`  ${ok ? 'MET    ' : 'NOT MET'} ${cat}: recall ${pct(s.matched, s.expected)}, ${s.catFpCount} category finding(s) on negatives`);
  }

  if (r.pending.length) {
    console.log('\nNot implemented (mapped queries whose rules do not exist yet):');
    const byRules = new Map<string, string[]>();
    for (const p of r.pending) byRules.set(`${p.rules.join(', ')} [${p.category}]`, [...(byRules.get(`${p.rules.join(', ')} [${p.category}]`) ?? []), p.key]);
    for (const [rules, keys] of byRules) console.log(`  ${rules}: ${keys.join(', ')}`);
  }
  const partly = r.queries.filter((q) => q.notImplemented.length);
  if (partly.length) {
    console.log('Mapped rules not implemented yet on measured queries:');
    for (const q of partly) console.log(`  ${q.key}: ${q.notImplemented.join(', ')}`);
  }

  if (r.contrary.length) {
    console.log('\nContrary queries (KICS flags what we recommend; the category must stay silent on all their files):');
    console.log(table(['query', 'category', 'files', 'findings'], r.contrary.map((c) => [c.key, c.category, c.files, c.findings.length]), 2));
  }
  for (const n of r.mapNotes) console.log(`  map: ${n}`);

  console.log('\nDetails (misses, extra findings in positives, FPs and category findings on negatives):');
  let any = false;
  for (const q of r.queries) {
    const lines = [
      ...notes('missed', q.missed), ...notes('extra', q.extras), ...notes('FP', q.fps),
      ...notes('category findings on negatives', q.catFps.filter((c) => !q.fps.some((f) => f.file === c.file && f.line === c.line && f.ruleId === c.ruleId))),
      ...notes('reviewed (not counted)', q.reviewed),
      ...notes('rule errors', q.ruleErrors.map((e) => ({ file: e.file, line: 0, ruleId: e.ruleId, message: e.message.split('\n')[0] }))),
    ];
    if (lines.length) { any = true; console.log(` ${q.key}`); for (const l of lines) console.log(l); }
  }
  for (const c of r.contrary) {
    if (c.findings.length) { any = true; console.log(` ${c.key} (contrary, ${c.category})`); for (const l of notes('findings', c.findings)) console.log(l); }
  }
  if (!any) console.log('  none');
}

function printReal(r: RealReport): void {
  console.log(heading('Real files: corpus/real'));
  const ignored = Object.entries(r.ignored).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${r.scanned} files scanned (${(r.bytes / 1024).toFixed(0)} KB), ${r.analysed} analysed, ${r.scanned - r.analysed} ignored (${ignored})`);
  console.log(`time: ${r.ms.toFixed(0)} ms first pass (${(r.ms / Math.max(1, r.analysed)).toFixed(2)} ms/file), ${r.warmMs.toFixed(0)} ms warm pass`);
  console.log(`crashes: ${r.crashes.length}   ruleErrors: ${r.ruleErrors.length}   (both must be 0)\n`);
  console.log(table(['kind', 'files', 'files with problems', 'problems', 'findings'],
    Object.entries(r.perKind).map(([k, s]) => [k, s.files, s.problemFiles, s.problems, s.findings])));
  const helmNoise = r.perKind['helm-template']?.problems ?? 0;
  console.log(`helm templates: ${helmNoise} parse problem(s) (must be 0)\n`);
  console.log(table(['rule', 'category', 'findings', 'files', 'per 100 files', 'in templated files'],
    r.perRule.map((p) => [p.ruleId, p.category, p.findings, p.files, p.per100.toFixed(1), p.inTemplated]), 2));
  const lines = [
    ...notes('crashes', r.crashes.map((c) => ({ file: c.file, line: 0, message: c.message.split('\n')[0] }))),
    ...notes('rule errors', r.ruleErrors.map((e) => ({ file: e.file, line: 0, ruleId: e.ruleId, message: e.message.split('\n')[0] }))),
    ...notes('parse problems', r.problems),
    ...notes('kind detection differs from the manifest', r.detectMismatches.map((d) => ({ file: d.file, line: 0, message: `manifest ${d.manifest}, detected ${d.detected ?? 'nothing'}` }))),
  ];
  if (lines.length) { console.log(''); for (const l of lines) console.log(l); }
  console.log('\nReview findings by hand with: node out/test/eval/run.js --list <rule>');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = corpusDir();
  const absent = corpusAbsence(corpus);
  if (absent) {
    console.error(absent.message);
    return absent.exitCode;
  }
  if (args.list) {
    if (!allRules.some((r) => r.id === args.list)) console.error(`note: no rule "${args.list}" among ${allRules.map((r) => r.id).join(', ')}`);
    const real = await runReal();
    const mine = real.findings.filter((f) => f.ruleId === args.list);
    for (const f of mine) console.log(`${f.file}:${f.line}${f.templated ? ' (templated)' : ''} ${f.message}`);
    console.log(`${mine.length} finding(s) of ${args.list} in ${new Set(mine.map((f) => f.file)).size} of ${real.analysed} files`);
    return 0;
  }
  const index = readIndex(corpus);
  const implemented = allRules.map((r) => r.id);
  const mapped = new Set(KICS_MAP.map((m) => m.rule));
  console.log(`Seaworthy eval: corpus ${corpus}`);
  console.log(`${implemented.length} rule(s) implemented; ${mapped.size} rule id(s) in the KICS map, ${[...mapped].filter((id) => !implemented.includes(id)).length} not implemented yet`);
  const labeled = await runLabeled(index, 'strict');
  const recommended = await runLabeled(index, 'recommended');
  printLabeled(labeled, recommended);
  const real = await runReal();
  printReal(real);
  if (args.json) {
    fs.writeFileSync(args.json, JSON.stringify({ corpus, implemented, labeled, recommended: { total: sum(recommended.queries) }, real }, null, 2));
    console.log(`\nJSON written to ${args.json}`);
  }
  return real.crashes.length || real.ruleErrors.length || labeled.queries.some((q) => q.ruleErrors.length) ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
