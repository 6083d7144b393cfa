import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CATEGORIES } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules';
import { expectedDocs } from '../../scripts/gen-docs';
import { repoRoot } from './helpers';

describe('rule metadata and docs', () => {
  it('ids are unique kebab-case and categories come from the public vocabulary', () => {
    const ids = allRules.map((r) => r.id);
    assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    for (const r of allRules) {
      assert.match(r.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, r.id);
      assert.ok((CATEGORIES as readonly string[]).includes(r.category), `${r.id}: ${r.category}`);
      assert.ok(r.kinds.length > 0, `${r.id} checks no file kind`);
      assert.ok(r.docs.why.length > 60 && r.docs.bad.code.trim() && r.docs.good.code.trim(), `${r.id} needs docs`);
      assert.ok(['safe', 'unsafe', 'none'].includes(r.fix));
    }
  });

  it('docs/rules is generated from the rule modules and up to date (run `npm run docs`)', () => {
    const dir = path.join(repoRoot, 'docs', 'rules');
    for (const [name, text] of expectedDocs()) {
      const file = path.join(dir, name);
      assert.ok(fs.existsSync(file), `docs/rules/${name} is missing: run npm run docs`);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), text, `docs/rules/${name} is stale: run npm run docs`);
    }
  });

  it('the four hazards are covered in every file kind', () => {
    for (const category of ['secrets', 'dependencies', 'state', 'host-daemon']) {
      for (const kind of ['dockerfile', 'compose', 'kubernetes']) {
        assert.ok(allRules.some((r) => r.category === category && (r.kinds as string[]).includes(kind)), `${category} has no ${kind} rule`);
      }
    }
  });
});
