/**
 * Property test of every quick fix: over every rule fixture and every file of the shared corpus, each
 * offered fix (safe and unsafe) is applied alone, on a temporary copy of the file's folder, through the
 * same code as `seaworthy fix` (FixSession), and must:
 *   - keep the file parseable (no new parse problems),
 *   - make the fixed finding go away,
 *   - bring no new finding of a higher severity,
 *   - leave the text outside its edit ranges byte-identical (ranges valid, not overlapping),
 *   - change nothing when applied again (appends and the same fix offered anew),
 *   - keep multi-file edits consistent (inside the project, .env files git-ignored).
 * Failures are collected per rule and reported together, so one run shows every broken fix.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeText, AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { FixSession, gitignoreCovers, isEnvFile } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';
import { applyEdits, FileChange, planFix } from '../../server/src/engine/fix';
import type { Fix } from '../../server/src/engine/rule';
import { SourceText } from '../../server/src/model/range';
import { isCandidatePath } from '../../server/src/parse/detect';
import { fixturesDir, repoRoot, walk } from './helpers';

const RANK = { info: 0, warning: 1, error: 2 } as const;
const corpusDir = process.env.SEAWORTHY_CORPUS ?? path.join(repoRoot, '..', 'shared', 'corpus');
const noGit = { refuseReason: () => undefined, ignored: () => false };

function fixesOf(f: Finding): Fix[] {
  try { return f.fix?.() ?? []; } catch { return []; }
}

const sig = (f: Finding) => `${f.ruleId}\u0000${f.message}`;
function counts(r: AnalysisResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of r.findings) m.set(sig(f), (m.get(sig(f)) ?? 0) + 1);
  return m;
}

/** The edits' own effect, computed independently of applyEdits: everything else must stay as it was. */
function checkEdits(text: string, edits: FileChange['edits']): string | undefined {
  const src = new SourceText(text);
  for (const e of edits) {
    for (const p of [e.range.start, e.range.end]) {
      if (p.line < 0 || p.line >= src.lineCount || p.character < 0 || p.character > src.lineText(p.line).length) {
        return `edit position ${p.line + 1}:${p.character + 1} is outside the text`;
      }
    }
  }
  const spans = edits.map((e) => ({ s: src.offsetAt(e.range.start), e: src.offsetAt(e.range.end), t: e.newText })).sort((a, b) => a.s - b.s || a.e - b.e);
  if (spans.some((x) => x.e < x.s)) return 'an edit range ends before it starts';
  for (let i = 1; i < spans.length; i++) if (spans[i].s < spans[i - 1].e) return 'edits overlap';
  let expected = '';
  let at = 0;
  for (const x of spans) { expected += text.slice(at, x.s) + x.t; at = x.e; }
  expected += text.slice(at);
  if (applyEdits(text, edits) !== expected) return 'text outside the edit ranges changed (applyEdits disagrees with the ranges)';
  return undefined;
}

/** A temporary copy of the file's folder (its files, and its sub-folders as empty folders). */
function tempCopy(file: string, root: string): string {
  const dir = fs.mkdtempSync(path.join(root, 'case-'));
  // Helm templates are recognised by a `templates/` folder: keep the parent folder's name.
  const target = path.join(dir, path.basename(path.dirname(file)));
  fs.mkdirSync(target);
  for (const e of fs.readdirSync(path.dirname(file), { withFileTypes: true })) {
    const from = path.join(path.dirname(file), e.name);
    if (e.isDirectory()) fs.mkdirSync(path.join(target, e.name));
    else if (e.isFile() && fs.statSync(from).size < 2 * 1048576) fs.copyFileSync(from, path.join(target, e.name));
  }
  return path.join(target, path.basename(file));
}

interface Failure { ruleId: string; file: string; fix: string; what: string }

async function checkFix(copy: string, before: AnalysisResult, finding: Finding, fix: Fix, root: string): Promise<string[]> {
  const config = defaultConfig();
  const session = new FixSession(noGit);
  const out: string[] = [];
  const changes = planFix(fix, copy, session.read).filter((c) => c.edits.length);
  for (const c of changes) {
    const rel = path.relative(root, c.file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) out.push(`writes outside the project: ${c.file}`);
    const bad = checkEdits(session.read(c.file) ?? '', c.edits);
    if (bad) out.push(`${path.basename(c.file)}: ${bad}`);
  }
  if (out.length) return out;
  const refused = session.apply(changes);
  if (refused) return [`refused: ${refused}`];
  const after = await session.analyze(copy, config);
  const oldProblems = new Set(before.problems.map((p) => p.message));
  for (const p of after.problems) if (!oldProblems.has(p.message)) out.push(`new parse problem at ${p.range.start.line + 1}: ${p.message}`);
  const was = counts(before), now = counts(after);
  if ((now.get(sig(finding)) ?? 0) >= (was.get(sig(finding)) ?? 0)) out.push('the fixed finding is still reported');
  for (const f of after.findings) {
    if ((now.get(sig(f)) ?? 0) > (was.get(sig(f)) ?? 0) && RANK[f.severity] > RANK[finding.severity]) out.push(`new ${f.severity} ${f.ruleId} at ${f.range.start.line + 1}: ${f.message.slice(0, 80)}`);
  }
  // Again: the appends must find their lines present, and the same fix offered anew must be a no-op.
  const again = planFix({ ...fix, edits: [] }, copy, session.read).filter((c) => c.edits.length);
  if (again.length) out.push(`appending again changes ${again.map((c) => path.basename(c.file)).join(', ')}`);
  const text = session.read(copy);
  for (const f of after.findings.filter((x) => sig(x) === sig(finding))) {
    for (const g of fixesOf(f).filter((x) => x.title === fix.title)) {
      const own = planFix(g, copy, session.read).find((c) => c.file === copy);
      if (own && applyEdits(text ?? '', own.edits) !== text) out.push('applying the fix again changes the file again');
    }
  }
  for (const c of session.changed()) {
    if (isEnvFile(c.file) && !(session.read(path.join(path.dirname(c.file), '.gitignore')) ?? '').split(/\r?\n/).some((l) => gitignoreCovers(l, path.basename(c.file)))) {
      out.push(`${path.basename(c.file)} receives values but no .gitignore covers it`);
    }
  }
  return out;
}

describe('quick fixes: property test over fixtures and corpus', function () {
  this.timeout(180000);
  let root: string;
  before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixprop-')); });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every offered fix keeps the file valid, removes its finding and is idempotent', async () => {
    const started = Date.now();
    const files = [...walk(path.join(fixturesDir, 'rules')), ...walk(corpusDir)].filter((f) => isCandidatePath(f) && !/\.json$/i.test(f));
    const failures: Failure[] = [];
    const perRule = new Map<string, number>();
    let withFixes = 0;
    let checked = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const first = await analyzeText(file, text, defaultConfig(), { fileExists: (p) => fs.existsSync(p) });
      if (!first.findings.some((f) => f.fix && fixesOf(f).length)) continue;
      withFixes++;
      const copy = tempCopy(file, root);
      const before = await new FixSession(noGit).analyze(copy, defaultConfig());
      for (const finding of before.findings) {
        for (const fix of fixesOf(finding)) {
          checked++;
          perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + 1);
          for (const what of await checkFix(copy, before, finding, fix, path.dirname(path.dirname(copy)))) {
            failures.push({ ruleId: finding.ruleId, file: path.relative(repoRoot, file), fix: fix.title, what });
          }
        }
      }
    }
    const summary = [...perRule].map(([id, n]) => `${id}: ${n} fixes, ${failures.filter((f) => f.ruleId === id).length} failing`).join('\n  ');
    console.log(`      ${files.length} files, ${withFixes} with fixes, ${checked} fixes checked in ${((Date.now() - started) / 1000).toFixed(1)} s\n  ${summary}`);
    assert.ok(fs.existsSync(corpusDir), `corpus not found at ${corpusDir} (set SEAWORTHY_CORPUS)`);
    assert.ok(checked > 0, 'no fix was offered anywhere: the test checks nothing');
    assert.deepStrictEqual(failures.map((f) => `${f.ruleId} | ${f.file} | ${f.fix} | ${f.what}`), []);
  });
});
