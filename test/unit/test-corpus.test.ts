/**
 * The test corpus (test/fixtures/corpus) is third-party data copied verbatim: every file must be listed
 * in its PROVENANCE.md with the sha256 it was copied with, under a licence whose text ships beside it,
 * and none may be GPL-licensed. (scripts/copy-test-corpus.mjs writes both the files and the list.)
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { testCorpusDir, walk } from './helpers';

interface Row { repo: string; commit: string; original: string; license: string; sha256: string }

function provenance(): Map<string, Row> {
  const rows = new Map<string, Row>();
  const text = fs.readFileSync(path.join(testCorpusDir, 'PROVENANCE.md'), 'utf8');
  for (const line of text.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 6 || !/^[0-9a-f]{64}$/.test(cells[5])) continue;
    const [file, repo, commit, original, license, sha256] = cells;
    rows.set(file, { repo, commit, original, license, sha256 });
  }
  return rows;
}

const LICENCE_TEXTS: Record<string, string | undefined> = {
  'Apache-2.0': 'LICENSES/Apache-2.0.txt',
  MIT: 'LICENSES/MIT-docker-library-postgres.txt',
  'CC0-1.0': undefined,   // public-domain dedication: no notice to keep
};

describe('test corpus (test/fixtures/corpus)', () => {
  const own = new Set(['PROVENANCE.md', ...Object.values(LICENCE_TEXTS).filter((f): f is string => !!f)]);
  const files = walk(testCorpusDir).map((f) => path.relative(testCorpusDir, f).split(path.sep).join('/')).filter((f) => !own.has(f));
  const rows = provenance();

  it('lists every file with its origin and the sha256 it was copied with', () => {
    assert.ok(files.length > 100, `only ${files.length} files`);
    assert.deepStrictEqual(files.filter((f) => !rows.has(f)), [], 'files without provenance');
    assert.deepStrictEqual([...rows.keys()].filter((f) => !files.includes(f)), [], 'listed files that are missing');
    const changed = files.filter((f) => createHash('sha256').update(fs.readFileSync(path.join(testCorpusDir, f))).digest('hex') !== rows.get(f)!.sha256);
    assert.deepStrictEqual(changed, [], 'copied files must stay byte-identical to their source');
    for (const [file, r] of rows) {
      assert.ok(r.repo && r.original && (r.commit || r.repo === '(this corpus)'), `${file}: repository, commit and original path`);
    }
  });

  it('holds no GPL-licensed file, and the text of every other licence', () => {
    for (const [file, r] of rows) {
      assert.ok(!/GPL/i.test(r.license), `${file} is ${r.license}`);
      assert.ok(r.license in LICENCE_TEXTS, `${file}: licence ${r.license} has no text in LICENSES/`);
      const text = LICENCE_TEXTS[r.license];
      if (text) assert.ok(fs.existsSync(path.join(testCorpusDir, text)), `${text} is missing`);
    }
  });
});
