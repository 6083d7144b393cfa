/**
 * `npm run bench` — medians and ratios measured side by side in one run (never timing assertions in
 * tests). `--quick` runs the smallest sizes once, only to prove the benchmark still works (CI).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { perEdit } from './per-edit';
import { lspLatency } from './lsp-latency';
import { startupBench } from './startup';
import { peers } from './peers';
import { incremental, memory } from './workspace';
import { pathological } from './pathological';
import { globBench } from './globs';
import { corpusScans, indexScans, monorepoScans, multiDocument, parallelThreshold } from './scale';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const outIdx = process.argv.indexOf('--out');
  const corpusReal = path.join(process.env.SEAWORTHY_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus'), 'real');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const parts: string[] = [
    `# Seaworthy benchmarks${quick ? ' (quick mode: smallest sizes, one iteration — proves it runs, not a measurement)' : ''}`, '',
    `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1073741824).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}. Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    `Run: ${new Date().toISOString()}`, '',
  ];
  const section = async (title: string, note: string, fn: () => Promise<string> | string) => {
    process.stderr.write(`bench: ${title}...\n`);
    const t = await fn();
    parts.push(`## ${title}`, '', note, '', t, '');
    process.stdout.write(`\n## ${title}\n\n${t}\n`);
  };
  await section('1. Per-edit analysis vs the parse floor', 'Full analysis (parse, model, every rule, secretlint scan, suppressions) of a file after a one-character edit, with warm code as in a running server that has scanned the workspace, against parsing alone with the same parser (dockerfile-ast / `yaml.parseAllDocuments`). Target: ≤ 2× at every size; per-line cost ≈ 1× between sizes (linear).', () => perEdit(quick).then((r) => r.text));
  await section('2. Through the real language server', 'The built server as its own process over stdio; bursts of `didChange` edits 30 ms apart; time from the last edit to `publishDiagnostics` for the final version (includes the 200 ms debounce). "analyses run" ≪ "edits sent" shows stale runs were cancelled.', () => lspLatency(quick));
  if (fs.existsSync(corpusReal)) {
    await section('3. Workspace scan against peers', `\`seaworthy check\` (all rules on every file kind) against each npm peer on its own subset of the same files (\`${path.relative(process.cwd(), corpusReal)}\` and a 10× copy), each as a fresh process, three runs each (a tool taking over 20 s runs once). Ratio < 1 means Seaworthy is faster. "parsers alone" is the floor under any scan built on this project's parsers (bench/parse-floor.ts: read and parse the same files with dockerfile-ast / yaml, bundled like the CLI, nothing else); its last column compares that floor with each peer.`, () => peers(corpusReal, quick));
    await section('5. Memory', 'Language-server RSS after the report request has indexed the whole corpus copy, against the same server idle.', () => memory(corpusReal, quick));
  } else {
    const skipped = `corpus not found at ${corpusReal}: sections 3 and 5 skipped (set SEAWORTHY_CORPUS to the corpus folder)`;
    process.stderr.write(`bench: ${skipped}\n`);
    parts.push(`${skipped[0].toUpperCase()}${skipped.slice(1)}.`, '');
  }
  await section('Startup and first diagnostics', 'A fresh language server (what activation on a YAML file starts): spawn → `initialize` answered, then the first document opened → its first `publishDiagnostics` (medians of 5 fresh processes). A YAML file that is no container file gets an empty answer; the Dockerfile and the manifest show the cost of a real first analysis (secretlint and the rules load lazily).', () => startupBench(quick));
  await section('4. Incremental workspace', 'Edit → diagnostics latency of one open file when the workspace index holds 1 file vs 1,000 files. Target ratio ≤ 1.2.', () => incremental(quick));
  await section('7. Incremental multi-document analysis', 'The same keystroke in the middle of a 10- and a 1,000-document manifest (issue #18: ratio ≤ 1.5×): through the built server (edit → `publishDiagnostics`, includes the 200 ms debounce; one edit at a time), and in the engine without debounce (engine/incremental.ts against a full analysis of the same text).', () => multiDocument(quick));
  await section('8. Parallel scan threshold', 'Sequential (`--jobs 1`) against worker threads on generated workspaces of growing size, fresh processes, five runs each: where threads start to pay (`check` and the server\'s workspace index go parallel from `PARALLEL_MIN_FILES` in server/src/engine/worker-pool.ts). The last column is the extra work threads cost (CPU time of all threads, GNU time): on a machine shared with other work it is steadier than wall time.', () => parallelThreshold(quick));
  if (fs.existsSync(corpusReal)) await section('9. Scans of the 10× corpus: sequential, parallel, cached', 'Fresh processes, the corpus copied 10× (section 3); every output byte-identical to the sequential one (checked). Issue #18 targets: parallel ≥ 1.6× faster than sequential; a re-run with `--cache` on the unchanged corpus ≤ 15 % of a cold run. Peak RSS from GNU time.', () => corpusScans(corpusReal, quick));
  if (fs.existsSync(corpusReal)) await section('9b. The server\'s workspace index: one thread against worker threads', 'The index the report and the status-bar score read, scanning the 10× corpus copy in this process (as the server does), alternately on one thread and in worker threads, three runs each; results checked equal.', () => indexScans(corpusReal, quick));
  const monoFiles = Number(process.argv[process.argv.indexOf('--monorepo-files') + 1]) || (quick ? 200 : 100000);
  await section('10. Generated monorepo', 'Services generated at bench time (a Dockerfile, a Compose file building it, a Deployment + Service and a ConfigMap), fresh processes, one run each.', () => monorepoScans(quick, monoFiles));
  await section('6. Pathological inputs', 'Full analysis of one file holding a long run of the characters a rule\'s text matching used to backtrack on (issue #20: suppression comments, `extra_hosts`, ConfigMap lines, debconf, URL passwords, quantities, trailing slashes and blanks, `${`, JWT, package names, Helm templates, ...), at 1k/10k/100k characters. Linear: 100k / 10k ≈ 10 (quadratic ≈ 100). Then the regexes recheck\'s fuzzer flags when its recall validation (a run in V8) is off, alone on its attack strings: why the audit turns it on (bench/pathological.ts).', () => pathological(quick));
  await section('Pathological ignore globs', 'Deciding whether one file is ignored by a `.seaworthy.yaml` pattern built to make a backtracking matcher explode, on a path that does not match (bench/globs.ts). Linear: µs per level stays flat.', () => globBench(quick));
  if (outIdx > 0) fs.writeFileSync(process.argv[outIdx + 1], parts.join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });
