/**
 * The fix oracle: a mutated file, in a temporary copy of its seed's folder, goes through `seaworthy fix
 * --unsafe` (runFix, in-process). Afterwards:
 *   - every changed file that Seaworthy reads parses with no more problems than before,
 *   - every edit the engine applied lies inside its text and leaves the rest byte-identical, read with the
 *     model's line breaks (the ranges' own convention; appends to side files must keep the file as a prefix),
 *   - a second `fix --unsafe` changes nothing (the first settled),
 *   - nothing was written outside the temporary project.
 */
import * as fs from 'fs';
import nodeFs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { parseModel, prepareText } from '../../server/src/engine/analyze';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';
import * as fixEngine from '../../server/src/engine/fix';
import { runFix } from '../../server/src/cli/fix';
import { SourceText } from '../../server/src/model/range';
import { detectKind } from '../../server/src/parse/detect';
import type { RuleSet } from '../../server/src/engine/rule';
import { FuzzCase, repoRoot } from './cases';
import { errorOf, Failure, fuzzConfig } from './check-analysis';

type Edit = { range: fixEngine.FileChange['edits'][number]['range']; newText: string };

const noGit = { refuseReason: () => undefined, ignored: () => false };

/** The edits the fix engine applies, seen through its applyEdits (wrapped once per process). */
const observed: { text: string; edits: Edit[]; result: string }[] = [];
let watching = false;
const original = fixEngine.applyEdits;
(fixEngine as { applyEdits: typeof original }).applyEdits = (text, edits) => {
  const result = original(text, edits);
  if (watching) observed.push({ text, edits: edits.map((e) => ({ range: e.range, newText: e.newText })), result });
  return result;
};

/** Paths the fix run asks the file system to change, whatever the API (wrapped once per process). */
const writes: string[] = [];
const WRITERS = ['writeFile', 'appendFile', 'mkdir', 'rename', 'copyFile', 'rm', 'rmdir', 'unlink', 'symlink', 'link', 'truncate', 'chmod', 'cp', 'open', 'mkdtemp', 'utimes'];
/** Calls whose first two arguments are both paths written (or pointed at). */
const TWO_PATHS = new Set(['rename', 'copyFile', 'symlink', 'link', 'cp']);
function watchWrites(api: Record<string, unknown>, name: string, base: string): void {
  const real = api[name];
  if (typeof real !== 'function') return;
  api[name] = function (this: unknown, ...args: unknown[]) {
    // Opening for reading writes nothing; a file descriptor was checked when it was opened.
    const reading = base === 'open' && (args[1] === undefined || args[1] === 'r' || args[1] === fs.constants.O_RDONLY || typeof args[1] === 'function');
    if (watching && !reading) {
      for (const a of args.slice(0, TWO_PATHS.has(base) ? 2 : 1)) {
        if (typeof a === 'string' || a instanceof URL || Buffer.isBuffer(a)) writes.push(String(a instanceof URL ? a.pathname : a));
      }
    }
    return (real as (...a: unknown[]) => unknown).apply(this, args);
  };
}
// The module objects themselves: every `import * as fs` binding reads their properties live.
for (const name of WRITERS) {
  watchWrites(nodeFs as unknown as Record<string, unknown>, `${name}Sync`, name);
  watchWrites(nodeFs as unknown as Record<string, unknown>, name, name);
  watchWrites(nodeFs.promises as unknown as Record<string, unknown>, name, name);
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else if (e.isFile()) out.set(path.relative(dir, p), fs.readFileSync(p, 'latin1'));
      else out.set(path.relative(dir, p), `<${e.isSymbolicLink() ? 'symlink' : 'special'}>`);
    }
  };
  walk(dir);
  return out;
}

/** Syntax problems of a file as Seaworthy reads it; undefined for files it does not read (.env, .gitignore). */
function parseProblems(abs: string, bytes: string): string[] | undefined {
  const prepared = prepareText(Buffer.from(bytes, 'latin1').toString('utf8'), defaultConfig());
  const kind = prepared.text === undefined ? undefined : detectKind(abs, prepared.text);
  if (!kind) return undefined;
  try {
    const m = parseModel(abs, prepared.text!, kind);
    return 'problems' in m ? m.problems.map((p) => p.message) : [];
  } catch (e) {
    return [`parser threw ${(e as Error).message}`];
  }
}

/** Whether one applyEdits call did what its ranges say, read as the model reads lines; a reason when not. */
export function editProblem(text: string, edits: Edit[], result: string): string | undefined {
  const src = new SourceText(text);
  // Appends need no special case: the end of the last line, as the model counts lines, is the end of the text.
  const spans: { s: number; e: number; t: string }[] = [];
  for (const e of edits) {
    for (const p of [e.range.start, e.range.end]) {
      if (p.line < 0 || p.line >= src.lineCount || p.character < 0 || p.character > src.lineText(p.line).length) {
        return `edit at ${p.line + 1}:${p.character + 1} lies outside the text (${src.lineCount} lines) as the model counts lines`;
      }
    }
    spans.push({ s: src.offsetAt(e.range.start), e: src.offsetAt(e.range.end), t: e.newText });
  }
  spans.sort((a, b) => a.s - b.s || a.e - b.e);
  if (spans.some((x) => x.e < x.s)) return 'an edit ends before it starts';
  for (let i = 1; i < spans.length; i++) if (spans[i].s < spans[i - 1].e) return 'edits overlap (one of them is dropped)';
  let expected = '';
  let at = 0;
  for (const x of spans) { expected += text.slice(at, x.s) + x.t; at = x.e; }
  expected += text.slice(at);
  if (expected !== result) {
    let i = 0;
    while (i < expected.length && expected[i] === result[i]) i++;
    return `text outside the edit ranges changed: the edits land elsewhere than their ranges say (first difference at offset ${i}: expected ${JSON.stringify(expected.slice(i, i + 30))}, got ${JSON.stringify(result.slice(i, i + 30))})`;
  }
  return undefined;
}

class Sink extends Writable {
  text = '';
  _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void { this.text += String(chunk); done(); }
}

async function fixOnce(file: string, ruleSet: RuleSet): Promise<{ out: string; err: string; failure?: Failure }> {
  const out = new Sink(), err = new Sink();
  try {
    await runFix({ paths: [file], unsafe: true, dryRun: false, failOn: 'error' }, fuzzConfig(ruleSet), out, err, new FixSession(noGit));
  } catch (e) {
    return { out: out.text, err: err.text, failure: errorOf('exception', e) };
  }
  return { out: out.text, err: err.text };
}

export async function checkFix(c: FuzzCase, ruleSet: RuleSet = 'recommended'): Promise<Failure[]> {
  const sandbox = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixfuzz-')));
  const project = path.join(sandbox, 'project');
  const seedDir = path.dirname(path.join(repoRoot, c.source));
  // The seed's folder keeps its name: Helm templates are recognised by a `templates/` folder.
  const home = path.join(project, path.basename(seedDir));
  fs.cpSync(seedDir, home, { recursive: true });
  const file = path.join(home, path.basename(c.source));
  fs.writeFileSync(file, c.text);
  const failures: Failure[] = [];
  try {
    const before = snapshot(sandbox);
    observed.length = 0;
    writes.length = 0;
    watching = true;
    let first: Awaited<ReturnType<typeof fixOnce>>;
    try { first = await fixOnce(file, ruleSet); } finally { watching = false; }
    if (first.failure) return [first.failure];
    failures.push(...stderrFailures(first.err));
    const after = snapshot(sandbox);

    for (const w of writes) {
      const rel = path.relative(project, path.resolve(w));
      if (rel.startsWith('..') || path.isAbsolute(rel)) failures.push({ type: 'corruption', message: `wrote outside the project: ${path.relative(sandbox, w)}` });
    }
    for (const [rel, text] of after) {
      if (!rel.startsWith('project' + path.sep)) { if (before.get(rel) !== text) failures.push({ type: 'corruption', message: `wrote outside the project: ${rel}` }); continue; }
      if (before.get(rel) === text) continue;
      const was = before.has(rel) ? parseProblems(path.join(sandbox, rel), before.get(rel)!) ?? [] : [];
      const now = parseProblems(path.join(sandbox, rel), text);
      if (now && now.length > was.length) failures.push({ type: 'corruption', message: `${path.basename(rel)} no longer parses: ${now.find((m) => !was.includes(m)) ?? now[now.length - 1]}` });
    }
    const changedFiles = [...after].filter(([rel, t]) => before.get(rel) !== t).length;
    if (changedFiles && !observed.length) failures.push({ type: 'corruption', message: 'harness: files changed but no edit went through applyEdits (the fix fuzz no longer sees the fix engine\'s edits)' });
    for (const o of observed) {
      const bad = editProblem(o.text, o.edits, o.result);
      if (bad) { failures.push({ type: 'corruption', message: bad }); break; }
    }
    if (/did not settle/.test(first.err)) return failures;

    const second = await fixOnce(file, ruleSet);
    if (second.failure) return [...failures, second.failure];
    const again = snapshot(sandbox);
    const moved = [...again].filter(([rel, t]) => after.get(rel) !== t).map(([rel]) => path.basename(rel));
    if (moved.length || again.size !== after.size) failures.push({ type: 'corruption', message: `not idempotent: fixing again changed ${moved.join(', ') || 'the file set'}: ${second.out.split('\n').filter((l) => /^fixed /.test(l)).map((l) => l.replace(/^fixed [^:]*: /, '')).slice(0, 3).join('; ')}` });
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
  return failures;
}

function stderrFailures(err: string): Failure[] {
  const out: Failure[] = [];
  for (const line of err.split('\n')) {
    if (/internal error/.test(line)) out.push({ type: 'rule-error', message: line.replace(/ on \S+: /, ': ') });
    else if (/did not settle/.test(line)) out.push({ type: 'corruption', message: 'fixes did not settle after 10 passes' });
  }
  return out;
}
