import * as path from 'path';
import * as fs from 'fs';
import { AppliedFix, commonFolder, FixSession, isEnvFile, receivesSecrets, RefusedFix } from '../engine/apply-fixes';
import { acquireFixLock, FixLockError } from '../engine/fix-lock';
import { FixWriteError } from '../engine/fix-write';
import { defaultConfig, EngineConfig } from '../engine/config';
import { ProjectConfigResolver, resolveForFiles } from '../engine/project-config';
import type { Severity } from '../engine/rule';
import { collectFiles } from '../workspace/files';
import { displayPath, RANK, reportBrokenConfigs, skippedProblems, unusedSuppressionFindings } from './check';
import { unifiedDiff } from './diff';
import { CliFinding, CliProblem, formatText, toCliFindings } from './format';
import { fileCatalogue } from '../workspace/batch';
import { analyzeText, prepareText } from '../engine/analyze';
import { knownTokens, maskRanges, maskSpans, printable, printableLines, storedSecretSpans, urlCredentials } from '../engine/mask';
import { flagReader, UsageError } from './usage';
import { emptyScanExit } from './empty-scan';

export interface FixOptions { paths: string[]; unsafe: boolean; dryRun: boolean; failOn: Severity; allowEmpty?: boolean }

export function parseFixArgs(args: string[]): FixOptions {
  const opts: FixOptions = { paths: [], unsafe: false, dryRun: false, failOn: 'error' };
  for (const i = { at: 0 }; i.at < args.length; i.at++) {
    const { flag, value } = flagReader(args, i);
    if (flag === '--unsafe') opts.unsafe = true;
    else if (flag === '--dry-run') opts.dryRun = true;
    else if (flag === '--allow-empty') opts.allowEmpty = true;
    else if (flag === '--fail-on') {
      const v = value();
      if (!(v in RANK)) throw new UsageError(`unknown severity "${v}" for --fail-on (use error, warning or info)`);
      opts.failOn = v as Severity;
    } else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.paths.push(args[i.at]);
  }
  if (!opts.paths.length) throw new UsageError('no PATH given');
  return opts;
}

/**
 * `seaworthy fix`: the editor's fix-all, on disk. Each file is fixed in passes until nothing applies;
 * the exit code is judged, like `check`, on what remains.
 */
export async function runFix(opts: FixOptions, base: EngineConfig = defaultConfig(), out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr, session = new FixSession()): Promise<number> {
  const resolver = new ProjectConfigResolver();
  const collected = collectFiles(opts.paths, (p) => resolver.forFile(p).ignored);
  for (const m of collected.missing) err.write(`seaworthy: ${m}: no such file or directory\n`);
  if (collected.missing.length && !collected.files.length) return 2;
  const { files, configOf, broken } = resolveForFiles(collected.files, base, resolver);
  if (reportBrokenConfigs(broken, err)) return 2;

  // Fixes write only inside the folder of the paths given, and one fix run at a time changes it.
  const root = commonFolder(opts.paths.map((p) => { const abs = path.resolve(p); return isFolder(abs) ? abs : path.dirname(abs); }));
  session.root ??= root;
  let release: (() => void) | undefined;
  if (!opts.dryRun) {
    try { release = await acquireFixLock(session.root); } catch (e) {
      if (!(e instanceof FixLockError)) throw e;
      err.write(`seaworthy: ${e.message}\n`);
      return 2;
    }
  }
  try { return await fixFiles(opts, files, collected.skipped, configOf, session, base, out, err); } finally { release?.(); }
}

function isFolder(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

async function fixFiles(opts: FixOptions, files: string[], skipped: Parameters<typeof skippedProblems>[0], configOf: (file: string) => EngineConfig, session: FixSession, base: EngineConfig, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  // References resolve across the files being fixed, as in `check` (texts as read before any fix).
  session.catalogue ??= fileCatalogue(files.map((f) => path.resolve(f)), (abs) => { const t = session.read(abs); return t === undefined ? undefined : prepareText(t, base).text; });
  const applied: AppliedFix[] = [];
  const refused: RefusedFix[] = [];
  const findings: CliFinding[] = [];
  const problems: CliProblem[] = skippedProblems(skipped);
  let scanned = 0;
  for (const file of files) {
    const abs = path.resolve(file);
    if (session.read(abs) === undefined) {
      problems.push({ file: displayPath(file), line: 1, column: 1, severity: 'error', message: 'Could not read the file.' });
      continue;
    }
    const r = await session.fixFile(abs, configOf(file), { unsafe: opts.unsafe });
    // Loops rather than push(...spread), which overflows the stack for files with 100k+ findings.
    for (const a of r.applied) applied.push(a);
    for (const x of r.refused) refused.push(x);
    if (!r.converged) err.write(`seaworthy: ${printable(displayPath(file))}: fixes did not settle; the rest is left as is\n`);
    for (const e of r.result.ruleErrors) err.write(`${printable(`seaworthy: internal error in rule ${e.ruleId} on ${displayPath(file)}: ${e.message.split('\n')[0]}`)}\n`);
    if (r.result.kind || r.result.problems.length) scanned++;
    const c = toCliFindings(displayPath(file), r.result);
    for (const f of c.findings.concat(unusedSuppressionFindings(displayPath(file), r.result, configOf(file))).sort((a, b) => a.line - b.line || a.column - b.column)) findings.push(f);
    for (const p of c.problems) problems.push(p);
  }

  const empty = emptyScanExit(scanned, opts.paths, Boolean(opts.allowEmpty), err);
  if (empty !== undefined) return empty;
  const changed = session.changed();
  if (!opts.dryRun) {
    try { await session.write(); } catch (e) {
      if (!(e instanceof FixWriteError)) throw e;
      err.write(`${printable(`seaworthy: ${e.message}`)}\n`);
      return 2;
    }
  }
  const verb = opts.dryRun ? 'would fix' : 'fixed';
  for (const a of applied) {
    const also = a.files.filter((f) => f !== a.file).map((f) => displayPath(f));
    out.write(printable(`${verb} ${displayPath(a.file)}: ${a.ruleId}: ${a.title}${a.safety === 'unsafe' ? ' (unsafe)' : ''}${also.length ? ` (also ${also.join(', ')})` : ''}`) + '\n');
  }
  for (const r of refused) out.write(printable(`skipped ${displayPath(r.file)}: ${r.ruleId}: ${r.title}: ${r.reason}`) + '\n');
  if (opts.dryRun) {
    for (const c of changed) {
      const name = displayPath(c.file).split(path.sep).join('/');
      const config = configOf(c.file);
      const shown = { before: await masked(c.file, c.before ?? '', config), after: await masked(c.file, c.after, config) };
      out.write(printableLines(unifiedDiff(c.before === undefined ? '/dev/null' : `a/${name}`, `b/${name}`, c.before ?? '', c.after, 3, shown)));
    }
  }
  if (!applied.length) out.write('No fixes to apply.\n');
  else out.write(`${applied.length} fix${applied.length === 1 ? '' : 'es'} ${opts.dryRun ? 'would change' : 'changed'} ${changed.length} file${changed.length === 1 ? '' : 's'}${opts.dryRun ? ' (dry run: nothing written)' : ''}.\n`);
  out.write(formatText(findings, problems, scanned));
  return [...findings, ...problems].some((f) => RANK[f.severity] >= RANK[opts.failOn]) ? 1 : 0;
}

/**
 * A changed file's text as a diff may print it: the secrets its analysis finds masked (or, in `.env`
 * files and Secret manifests, every value), and nothing else.
 */
export async function masked(file: string, text: string, config: EngineConfig): Promise<string> {
  if (receivesSecrets(file)) return maskSpans(text, storedSecretSpans(text, isEnvFile(file) ? 'dotenv' : 'manifest'));
  const result = await analyzeText(file, text, config, { fileExists: (p) => fs.existsSync(p) });
  return result.secrets ? maskRanges(text, result.secrets) : maskSpans(text, [...urlCredentials(text), ...knownTokens(text)]);
}
