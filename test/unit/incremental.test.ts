/**
 * Incremental multi-document analysis (engine/incremental.ts) must give what a full analysis gives:
 * random edits of manifest streams built from the fixtures, compared after every edit.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult } from '../../server/src/engine/analyze';
import { defaultConfig } from '../../server/src/engine/config';
import { IncrementalManifest, splitDocuments } from '../../server/src/engine/incremental';
import { detectKind } from '../../server/src/parse/detect';
import { diskHost } from '../../server/src/workspace/batch';
import { fixturesDir, walk } from './helpers';

/** A small seeded generator: the same edits every run, and a failure names its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** Everything an analysis shows: findings (with their fixes' edits), accepted findings, unused suppressions, problems. */
function shown(r: AnalysisResult | undefined): unknown {
  assert.ok(r, 'no result');
  const finding = (f: AnalysisResult['findings'][number]) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, range: f.range, related: f.related, suppressed: f.suppressed, fix: f.fix ? JSON.stringify(f.fix()) : undefined });
  return {
    findings: r.findings.map(finding), suppressed: r.suppressed.map(finding),
    unused: r.unusedSuppressions.map((u) => ({ ids: u.ruleIds, range: u.range })),
    problems: r.problems, ruleErrors: r.ruleErrors.map((e) => e.ruleId),
  };
}

const manifests = walk(fixturesDir)
  .filter((f) => /\.ya?ml$/.test(f) && !/[\\/]templates[\\/]/.test(f))
  .map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') }))
  .filter(({ file, text }) => detectKind(file, text) === 'kubernetes' && !text.includes('{{') && !/\r(?!\n)|\u0085|\u2028|\u2029/.test(text));

function edit(text: string, rnd: () => number, pool: string[]): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  switch (Math.floor(rnd() * 6)) {
    case 0: return text.slice(0, at) + 'x' + text.slice(at);                       // a keystroke
    case 1: return text.slice(0, at) + text.slice(at + 1);                         // a deletion
    case 2: return text.slice(0, lineStart) + '\n' + text.slice(lineStart);        // a new line: later documents move
    case 3: { const end = text.indexOf('\n', at); return end < 0 ? text : text.slice(0, lineStart) + text.slice(end + 1); } // a line removed
    case 4: return `${text.slice(0, lineStart)}---\n${pool[Math.floor(rnd() * pool.length)]}\n---\n${text.slice(lineStart)}`; // a document pasted
    default: { const docs = splitDocuments(text); const d = docs[Math.floor(rnd() * docs.length)]; return text.replace(d.text, ''); } // a document cut
  }
}

describe('incremental multi-document analysis', function () {
  this.timeout(300000);
  // Every rule, so the comparison covers the strict set too (missing-disruption-budget is one of its rules).
  const config: ReturnType<typeof defaultConfig> = { ...defaultConfig(), ruleSet: 'strict' };

  it('splits a stream where YAML does', () => {
    const text = '# head\napiVersion: v1\n---\nkind: A\n--- # c\nb: 1\n...\nc: 2\n---x: 3\n';
    assert.deepStrictEqual(splitDocuments(text).map((c) => [c.firstLine, c.text]), [
      [0, '# head\napiVersion: v1\n'], [2, '---\nkind: A\n'], [4, '--- # c\nb: 1\n...\n'], [7, 'c: 2\n---x: 3\n'],
    ]);
    assert.strictEqual(splitDocuments(text).map((c) => c.text).join(''), text);
  });

  it(`equals a full analysis after random edits (${manifests.length} fixture manifests)`, async () => {
    assert.ok(manifests.length > 50, 'fixtures found');
    const rnd = prng(18);
    const pool = manifests.map((m) => m.text);
    let compared = 0, reusedSome = 0;
    for (let round = 0; round < 40; round++) {
      // A stream of several fixtures, as a platform repository keeps them: cross-document facts included.
      const picks = Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => manifests[Math.floor(rnd() * manifests.length)]);
      const file = path.join(path.dirname(picks[0].file), 'stream.yaml');
      let text = picks.map((p) => p.text.replace(/\n*$/, '\n')).join('---\n');
      const inc = new IncrementalManifest(2);
      const host = diskHost(config, undefined, [file]);
      for (let step = 0; step < 6; step++) {
        const full = await analyzeText(file, text, config, host);
        const fast = await inc.analyse(file, text, config, host);
        if (fast === undefined) break;
        assert.deepStrictEqual(shown(fast), shown(full), `round ${round}, step ${step}: ${picks.map((p) => path.relative(fixturesDir, p.file)).join(', ')}`);
        compared++;
        if (step > 0 && inc.lastAnalysed < splitDocuments(text).length) reusedSome++;
        text = edit(text, rnd, pool);
      }
    }
    assert.ok(compared > 150, `compared ${compared} states`);
    assert.ok(reusedSome > compared / 3, `kept documents in ${reusedSome} of ${compared} states`);
  });

  it('re-analyses only the edited document of a long stream', async () => {
    const doc = (i: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: app${i}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:latest\n`;
    const docs = Array.from({ length: 30 }, (_, i) => doc(i));
    const file = path.join(fixturesDir, 'stream.yaml');
    const host = diskHost(config, undefined, [file]);
    const inc = new IncrementalManifest();
    await inc.analyse(file, docs.join('---\n'), config, host);
    assert.strictEqual(inc.lastAnalysed, 30);
    docs[12] = docs[12].replace('nginx:latest', 'nginx:1.25');
    const after = await inc.analyse(file, docs.join('---\n'), config, host);
    assert.strictEqual(inc.lastAnalysed, 1);
    // A PodDisruptionBudget added at the end protects app3: a cross-document rule, re-run on the whole file.
    docs.push('apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: app3}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: app3}\n');
    const text = docs.join('---\n');
    const withPdb = await inc.analyse(file, text, config, host);
    assert.strictEqual(inc.lastAnalysed, 1);
    const pdb = (r: AnalysisResult | undefined) => r!.findings.filter((f) => f.ruleId === 'missing-disruption-budget').length;
    assert.strictEqual(pdb(after), 30);
    assert.strictEqual(pdb(withPdb), 29);
    assert.deepStrictEqual(shown(withPdb), shown(await analyzeText(file, text, config, host)));
  });
});
