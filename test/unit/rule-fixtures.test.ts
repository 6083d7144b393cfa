/**
 * Fixture-driven rule tests. Each rule has a folder test/fixtures/rules/<rule-id>/ of files whose names
 * decide their kind (`*.dockerfile`, `compose*.yaml`, Kubernetes `*.yaml`, Helm files under `templates/`).
 * A comment line `# expect: <rule-id>` marks that the next code line (for Dockerfiles: the instruction
 * starting there) must carry a finding of that rule; every other line must carry none. A file without
 * marks is a negative fixture.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../server/src/rules';
import { analyzeFile, fixturesDir, walk } from './helpers';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { applyProjectConfig, parseProjectConfig, PROJECT_CONFIG_NAMES } from '../../server/src/engine/project-config';

/** A rule folder may hold a `.seaworthy.yaml` (e.g. to turn on a policy such as requireDigests) for its fixtures. */
/** Fixtures run every rule (`strict`), whichever set holds it; a folder's `.seaworthy.yaml` may say otherwise. */
function folderConfig(dir: string): EngineConfig {
  const everyRule: EngineConfig = { ...defaultConfig(), ruleSet: 'strict' };
  const file = PROJECT_CONFIG_NAMES.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
  if (!file) return everyRule;
  const loaded = parseProjectConfig(file, fs.readFileSync(file, 'utf8'));
  assert.deepStrictEqual(loaded.errors, [], `${file} is invalid`);
  return applyProjectConfig(everyRule, loaded.config);
}

const EXPECT = /^\s*#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/;

function expectations(text: string): Map<number, string[]> {
  const lines = text.split(/\r?\n/);
  const out = new Map<number, string[]>();
  let pending: string[] = [];
  lines.forEach((l, i) => {
    const m = EXPECT.exec(l);
    if (m) { pending.push(...m[1].split(',').map((s) => s.trim())); return; }
    if (!l.trim() || l.trim().startsWith('#')) return;
    if (pending.length) { out.set(i, pending); pending = []; }
  });
  return out;
}

const root = path.join(fixturesDir, 'rules');
const ruleDirs = fs.existsSync(root) ? fs.readdirSync(root) : [];

describe('rule fixtures', () => {
  it('every fixture folder names a real rule', () => {
    const ids = new Set(allRules.map((r) => r.id));
    assert.deepStrictEqual(ruleDirs.filter((d) => !ids.has(d)), []);
  });

  for (const rule of allRules) {
    describe(rule.id, () => {
      const dir = path.join(root, rule.id);
      const files = walk(dir).filter((f) => !PROJECT_CONFIG_NAMES.includes(path.basename(f)));
      const config = folderConfig(dir);
      it('has positive and negative fixtures for every kind it checks', async () => {
        const seen = new Map<string, { pos: number; neg: number }>();
        for (const f of files) {
          const r = await analyzeFile(f, config);
          if (!r.kind) continue;
          const s = seen.get(r.kind) ?? { pos: 0, neg: 0 };
          const exp = [...expectations(fs.readFileSync(f, 'utf8')).values()].flat();
          if (exp.includes(rule.id)) s.pos++; else s.neg++;
          seen.set(r.kind, s);
        }
        for (const kind of rule.kinds) {
          assert.ok(seen.get(kind)?.pos, `${rule.id}: no positive ${kind} fixture`);
          assert.ok(seen.get(kind)?.neg, `${rule.id}: no negative ${kind} fixture`);
        }
      });
      for (const f of files) {
        it(path.relative(path.join(root, rule.id), f), async () => {
          const text = fs.readFileSync(f, 'utf8');
          const r = await analyzeFile(f, config);
          assert.deepStrictEqual(r.ruleErrors, [], 'a rule threw');
          // Support files (`.env`, `.dockerignore`, secret files) sit beside fixtures for cross-file rules.
          if (!r.kind && !expectations(text).size) { assert.deepStrictEqual(r.findings, []); return; }
          assert.ok(r.kind, 'fixture kind was not detected');
          const model = r.model!;
          const anchor = (line: number) => {
            if (model.kind !== 'dockerfile') return line;
            const ins = model.instructions.find((i) => i.range.start.line <= line && line <= i.range.end.line);
            return ins ? ins.range.start.line : line;
          };
          const exp = expectations(text);
          const want: string[] = [];
          for (const [line, ids] of exp) for (const id of ids) if (id === rule.id) want.push(`${line + 1}:${id}`);
          const got = r.findings.filter((x) => x.ruleId === rule.id).map((x) => `${anchor(x.range.start.line) + 1}:${x.ruleId}`);
          assert.deepStrictEqual([...new Set(got)].sort(), want.sort(), `findings of ${rule.id}:\n${r.findings.filter((x) => x.ruleId === rule.id).map((x) => `  ${x.range.start.line + 1}: ${x.message}`).join('\n')}`);
        });
      }
    });
  }
});
