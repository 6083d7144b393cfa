/**
 * Property test of every quick fix: over every rule fixture and every file of the test corpus, each
 * offered fix (safe and unsafe) is applied alone, on a temporary copy of the files, through the
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
import type { AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { FixSession, gitignoreCovers, receivesSecrets } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';
import { applyEdits, FileChange, planFix } from '../../server/src/engine/fix';
import type { Fix } from '../../server/src/engine/rule';
import { SourceText } from '../../server/src/model/range';
import { isCandidatePath } from '../../server/src/parse/detect';
import { fixturesDir, repoRoot, testCorpusDir, walk } from './helpers';

const RANK = { info: 0, warning: 1, error: 2 } as const;
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
  // Counted per rule and severity: a fix may reword another rule's message (ADD → COPY) without adding a finding.
  const bySeverity = (r: AnalysisResult) => { const m = new Map<string, number>(); for (const f of r.findings) m.set(`${f.ruleId} ${f.severity}`, (m.get(`${f.ruleId} ${f.severity}`) ?? 0) + 1); return m; };
  const sevBefore = bySeverity(before), sevAfter = bySeverity(after);
  for (const f of after.findings) {
    const k = `${f.ruleId} ${f.severity}`;
    if (RANK[f.severity] > RANK[finding.severity] && (sevAfter.get(k) ?? 0) > (sevBefore.get(k) ?? 0)) { out.push(`new ${f.severity} ${f.ruleId} at ${f.range.start.line + 1}: ${f.message.slice(0, 100)}`); sevAfter.set(k, (sevAfter.get(k) ?? 0) - 1); }
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
    if (receivesSecrets(c.file) && !(session.read(path.join(path.dirname(c.file), '.gitignore')) ?? '').split(/\r?\n/).some((l) => gitignoreCovers(l, path.basename(c.file)))) {
      out.push(`${path.basename(c.file)} receives values but no .gitignore covers it`);
    }
  }
  return out;
}

describe('quick fixes: property test over fixtures and corpus', function () {
  this.timeout(180000);
  let root: string;
  // One copy of everything: fixes are applied in memory (FixSession's overlay), each from the pristine
  // copy, so nothing of the repository is ever written and every fix starts from the same state.
  const sources = [{ from: path.join(fixturesDir, 'rules'), to: 'fixtures' }, { from: testCorpusDir, to: 'corpus' }];
  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixprop-')));
    for (const s of sources) if (fs.existsSync(s.from)) fs.cpSync(s.from, path.join(root, s.to), { recursive: true });
    // The copies are the project being fixed: writable, whatever the modes of the originals (fixes refuse read-only files).
    for (const f of walk(root)) { const st = fs.lstatSync(f); if (st.isFile()) fs.chmodSync(f, st.mode | 0o200); }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every offered fix keeps the file valid, removes its finding and is idempotent', async () => {
    const started = Date.now();
    const original = (copy: string) => { const s = sources.find((x) => copy.startsWith(path.join(root, x.to) + path.sep))!; return path.relative(repoRoot, path.join(s.from, path.relative(path.join(root, s.to), copy))); };
    const files = sources.flatMap((s) => walk(path.join(root, s.to))).filter((f) => isCandidatePath(f) && !/\.json$/i.test(f));
    const failures: Failure[] = [];
    const perRule = new Map<string, number>();
    let withFixes = 0;
    let checked = 0;
    for (const copy of files) {
      const before = await new FixSession(noGit).analyze(copy, defaultConfig());
      if (!before.findings.some((f) => f.fix)) continue;
      let offered = false;
      for (const finding of before.findings) {
        for (const fix of fixesOf(finding)) {
          offered = true;
          checked++;
          perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + 1);
          for (const what of await checkFix(copy, before, finding, fix, root)) {
            failures.push({ ruleId: finding.ruleId, file: original(copy), fix: fix.title, what });
          }
        }
      }
      if (offered) withFixes++;
    }
    const summary = [...perRule].sort((a, b) => a[0].localeCompare(b[0])).map(([id, n]) => `${id}: ${n} fixes, ${failures.filter((f) => f.ruleId === id).length} failures`).join('\n        ');
    console.log(`      ${files.length} files, ${withFixes} with fixes, ${checked} fixes checked in ${((Date.now() - started) / 1000).toFixed(1)} s\n        ${summary}`);
    assert.ok(checked > 0, 'no fix was offered anywhere: the test checks nothing');
    assert.deepStrictEqual(failures.map((f) => `${f.ruleId} | ${f.file} | ${f.fix} | ${f.what}`), []);
  });
});
