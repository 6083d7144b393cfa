/**
 * Before/after tests of every quick fix. A case is a folder
 * `test/fixtures/fixes/<rule-id>/<case>/` holding `before/` (a small project as it is on disk) and
 * `after/` (every file the fix creates or changes, as it must read afterwards). The case runs the same
 * code as `seaworthy fix --unsafe` with only that rule switched on, over every analysable file of
 * `before/`, then checks: each file of `after/` matches byte for byte, every other file is unchanged, no
 * other file was created, and a second run changes nothing. An optional `case.json` may set
 * `{ "safeOnly": true }` (test what fix-all on save does) or `{ "settings": { ... } }` (rule settings).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { detectKind } from '../../server/src/parse/detect';
import { allRules } from '../../server/src/rules';
import { fixturesDir, repoRoot, walk } from './helpers';

const root = path.join(fixturesDir, 'fixes');
const noGit = { refuseReason: () => undefined, ignored: () => false };

interface CaseOptions { safeOnly?: boolean; settings?: Partial<EngineConfig['settings']> }

/** The rule alone, whichever set holds it. */
function onlyRule(id: string, opts: CaseOptions): EngineConfig {
  const c: EngineConfig = { ...defaultConfig(), ruleSet: 'strict' };
  for (const r of allRules) if (r.id !== id) c.rules[r.id] = 'off';
  Object.assign(c.settings, opts.settings ?? {});
  return c;
}

function snapshot(dir: string): Map<string, string> {
  return new Map(walk(dir).map((f) => [path.relative(dir, f), fs.readFileSync(f, 'utf8')]));
}

async function fixAll(dir: string, ruleId: string, opts: CaseOptions): Promise<string[]> {
  const session = new FixSession(noGit);
  const config = onlyRule(ruleId, opts);
  const titles: string[] = [];
  for (const file of walk(dir)) {
    const text = session.read(file) ?? '';
    if (!detectKind(file, text)) continue;
    const r = await session.fixFile(file, config, { unsafe: !opts.safeOnly });
    assert.deepStrictEqual(r.refused.map((x) => `${x.title}: ${x.reason}`), [], `${path.relative(dir, file)}: a fix was refused`);
    assert.ok(r.converged, `${path.relative(dir, file)}: fixes did not settle`);
    titles.push(...r.applied.filter((a) => a.ruleId === ruleId).map((a) => a.title));
  }
  await session.write();
  return titles;
}

describe('quick fixes: before/after cases (test/fixtures/fixes)', () => {
  it('every case folder names a rule that offers fixes, and every such rule has a case', () => {
    const folders = fs.existsSync(root) ? fs.readdirSync(root) : [];
    for (const f of folders) {
      const rule = allRules.find((r) => r.id === f);
      assert.ok(rule, `test/fixtures/fixes/${f}: no rule with that id`);
      assert.notStrictEqual(rule.fix, 'none', `test/fixtures/fixes/${f}: the rule declares no fix`);
    }
    const missing = allRules.filter((r) => r.fix !== 'none' && !folders.includes(r.id)).map((r) => r.id);
    assert.deepStrictEqual(missing, [], 'rules with a fix but no before/after case');
  });

  it('every fixture file is committed: none is hidden by a .gitignore inside the fixtures (cases hold .gitignore files)', () => {
    const hidden = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', 'test/fixtures', 'test/e2e/workspaces', 'examples'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    assert.strictEqual(hidden, '', 'git add -f these files');
  });

  for (const ruleId of fs.existsSync(root) ? fs.readdirSync(root).sort() : []) {
    for (const name of fs.readdirSync(path.join(root, ruleId)).sort()) {
      const caseDir = path.join(root, ruleId, name);
      it(`${ruleId}: ${name}`, async () => {
        const optsFile = path.join(caseDir, 'case.json');
        const opts: CaseOptions = fs.existsSync(optsFile) ? JSON.parse(fs.readFileSync(optsFile, 'utf8')) : {};
        const before = snapshot(path.join(caseDir, 'before'));
        const after = snapshot(path.join(caseDir, 'after'));
        assert.ok(before.size && after.size, 'a case needs before/ and after/ files');
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixcase-'));
        try {
          fs.cpSync(path.join(caseDir, 'before'), tmp, { recursive: true });
          const titles = await fixAll(tmp, ruleId, opts);
          assert.ok(titles.length, `no ${ruleId} fix was applied`);
          const got = snapshot(tmp);
          for (const [rel, text] of after) assert.strictEqual(got.get(rel), text, `${rel} after the fix`);
          for (const [rel, text] of got) {
            if (after.has(rel)) continue;
            assert.ok(before.has(rel), `${rel} was created but is not in after/`);
            assert.strictEqual(text, before.get(rel), `${rel} changed but is not in after/`);
          }
          assert.deepStrictEqual(await fixAll(tmp, ruleId, opts), [], 'a second run applied fixes again');
          assert.deepStrictEqual(snapshot(tmp), got, 'a second run changed files');
        } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
      });
    }
  }
});
