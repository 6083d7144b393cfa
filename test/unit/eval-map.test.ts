/**
 * Keeps the eval's KICS map honest: a typo in a rule id or query folder would silently drop a query
 * from the recall numbers instead of failing.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allRules } from '../../server/src/rules';
import { corpusAbsence, kicsDir, readIndex } from '../eval/corpus';
import { KICS_MAP, mappedQueries, NOT_SHARED, REVIEWED } from '../eval/kics-map';
import { blockFinder, matchLines } from '../eval/match';
import { parseModel } from '../../server/src/engine/analyze';
import { testCorpusDir } from './helpers';

describe('eval KICS map', () => {
  const ids = new Map(allRules.map((r) => [r.id, r]));

  it('names only existing rules, or rules explicitly marked planned', () => {
    assert.deepStrictEqual(KICS_MAP.filter((m) => !ids.has(m.rule) && !m.planned).map((m) => m.rule), []);
  });

  it('gives implemented rules their own category', () => {
    const wrong = KICS_MAP.filter((m) => ids.has(m.rule) && ids.get(m.rule)!.category !== m.category);
    assert.deepStrictEqual(wrong.map((m) => `${m.rule}: map ${m.category}, rule ${ids.get(m.rule)!.category}`), []);
  });

  it('lists each rule once and keeps each query in one category', () => {
    const rules = KICS_MAP.map((m) => m.rule);
    assert.deepStrictEqual(rules.filter((r, i) => rules.indexOf(r) !== i), []);
    const mixed = [...mappedQueries()].filter(([, q]) => new Set(q.rules.map((m) => m.category)).size > 1).map(([k]) => k);
    assert.deepStrictEqual(mixed, []);
  });

  it('never maps a query it also lists as not shared', () => {
    assert.deepStrictEqual([...mappedQueries().keys()].filter((k) => k in NOT_SHARED), []);
  });

  // Against the test corpus's copy of the KICS index and test files (test/fixtures/corpus/labeled/kics).
  it('names only KICS queries present in the corpus index', () => {
    const known = new Set(readIndex(testCorpusDir).map((r) => `${r.kind}/${r.query}`));
    assert.ok(known.size > 100, `only ${known.size} queries in the index`);
    const named = [...mappedQueries().keys(), ...Object.keys(NOT_SHARED)];
    assert.deepStrictEqual(named.filter((k) => !known.has(k)), []);
  });

  it('reviews only findings in existing test files, of known rules', () => {
    const mapped = new Set(KICS_MAP.map((m) => m.rule));
    assert.ok(REVIEWED.length > 0);
    const bad = REVIEWED.filter((r) => !fs.existsSync(path.join(kicsDir(testCorpusDir), r.file)) || !(ids.has(r.rule) || mapped.has(r.rule)));
    assert.deepStrictEqual(bad.map((r) => `${r.file} ${r.rule}`), []);
  });
});

describe('eval matching', () => {
  it('matches within the enclosing Kubernetes container, or document for pod-level lines', () => {
    const text = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '  - name: a', '    image: x:1',
      '    volumeMounts:', '    - name: v', '      mountPath: /m', '  - name: b', '    image: y:1', '  volumes:', '  - name: v',
      '    hostPath:', '      path: /var/run/docker.sock',
    ].join('\n');
    const blocks = blockFinder(parseModel('pod.yaml', text, 'kubernetes'));
    // Expected at the hostPath (line 16), finding at container a's mount (line 10): same document.
    assert.deepStrictEqual(matchLines([16], [10], blocks), { matched: 1, missed: [], extra: [] });
    // Expected in container a (line 7), finding in container b (line 12), 5 lines apart: no match.
    assert.deepStrictEqual(matchLines([7], [12], blocks), { matched: 0, missed: [7], extra: [0] });
    // One finding cannot satisfy two entries.
    assert.strictEqual(matchLines([6, 7], [7], blocks).matched, 1);
  });

  it('matches a Dockerfile finding anywhere in the stage of an expected FROM line', () => {
    const text = 'FROM a:1 AS b\nRUN x\nFROM c:1\nRUN y\nRUN z\nRUN w\nRUN v\nCMD ["run"]\n';
    const blocks = blockFinder(parseModel('Dockerfile', text, 'dockerfile'));
    assert.strictEqual(matchLines([2], [7], blocks).matched, 1);
    assert.strictEqual(matchLines([0], [7], blocks).matched, 0);
    // Neighbouring instructions are different spots even one line apart.
    assert.strictEqual(matchLines([3], [4], blocks).matched, 0);
  });

  it('does not pair neighbouring Compose services, however close', () => {
    const text = 'services:\n  a:\n    image: x:1\n  b:\n    image: y:1\n    privileged: true\n';
    const blocks = blockFinder(parseModel('compose.yaml', text, 'compose'));
    assert.strictEqual(matchLines([2], [5], blocks).matched, 0);
    assert.strictEqual(matchLines([3], [5], blocks).matched, 1);
  });
});

describe('npm run eval without the corpus', () => {
  // Judged in process on temp folders: the test never runs the eval itself, which reads the corpus.
  it('says in one line where it looked, and exits 2', () => {
    const missing = path.join(os.tmpdir(), 'seaworthy-no-corpus-here');
    const r = corpusAbsence(missing);
    assert.ok(r, 'a missing corpus is reported');
    assert.strictEqual(r.exitCode, 2);
    assert.strictEqual(r.message, `eval: corpus not found at ${missing} (needs labeled/kics/index.json and real/manifest.json; set SEAWORTHY_CORPUS to its folder)`);
    assert.ok(!r.message.includes('\n'), 'one line');
  });

  it('says nothing when both answer indexes are there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fake-corpus-'));
    try {
      fs.mkdirSync(path.join(dir, 'labeled', 'kics'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'labeled', 'kics', 'index.json'), '[]');
      assert.ok(corpusAbsence(dir), 'real/manifest.json is needed too');
      fs.mkdirSync(path.join(dir, 'real'));
      fs.writeFileSync(path.join(dir, 'real', 'manifest.json'), '[]');
      assert.strictEqual(corpusAbsence(dir), undefined);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
